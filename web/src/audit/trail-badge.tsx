import { t } from '../i18n';
import { dateTime } from '../ui/locale-format';
import type { EntryVerdict, TrailVerdict } from './trail-verification';
import type { HistoryEntry } from './use-verified-trail';

interface TrailBadgeProps {
  entries: HistoryEntry[];
  verdict?: TrailVerdict;
  checking: boolean;
  /** The size of the checkpoint remembered before this check, for the consistency sentence. */
  rememberedSize?: number;
  onRecheck: () => void;
  onForget: () => void;
}

/**
 * The verdict of this browser's own check: green when every entry is in the signed log unchanged,
 * amber while the newest are not yet sequenced, red naming each entry (and the checkpoint) that failed.
 */
export function TrailBadge({
  entries,
  verdict,
  checking,
  rememberedSize,
  onRecheck,
  onForget,
}: TrailBadgeProps) {
  if (!verdict) {
    return (
      <div className="trail-badge trail-badge-checking" role="status">
        <p className="trail-badge-title">{t.trail.verifying}</p>
      </div>
    );
  }
  const failedEntries = verdict.entries.flatMap((entryVerdict, i) =>
    isFailed(entryVerdict) ? [{ entry: entries[i], verdict: entryVerdict }] : [],
  );
  const pending = verdict.entries.filter((entryVerdict) => entryVerdict.state === 'pending').length;
  const untrusted = verdict.consistency === 'inconsistent' || verdict.consistency === 'shrank';
  return (
    <div
      className={`trail-badge trail-badge-${verdict.state}`}
      role={verdict.state === 'failed' ? 'alert' : 'status'}
    >
      <p className="trail-badge-title">
        <span aria-hidden="true">
          {verdict.state === 'verified' ? '✔ ' : verdict.state === 'failed' ? '✖ ' : '… '}
        </span>
        {t.trail.badge[verdict.state]}
      </p>
      {verdict.state === 'verified' && <p>{t.trail.verifiedDetail(entries.length)}</p>}
      {verdict.state === 'pending' && <p>{t.trail.pendingDetail(pending)}</p>}
      {verdict.checkpointProblem && <p>{t.trail.checkpointProblems[verdict.checkpointProblem]}</p>}
      {failedEntries.length > 0 && (
        <ul>
          {failedEntries.map(({ entry, verdict: entryVerdict }) => (
            <li key={entry.id}>
              <a href={`#entry-${entry.id}`}>
                {t.trail.entryFailed(
                  entryVerdict.seq,
                  t.trail.actions[entry.action] ?? entry.action,
                  dateTime(entry.recordedAt),
                  t.trail.entryProblems[entryVerdict.problem],
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
      {untrusted && rememberedSize !== undefined && (
        <p className="trail-badge-loud">
          {t.trail.consistency[verdict.consistency as 'inconsistent' | 'shrank'](rememberedSize)}
        </p>
      )}
      {verdict.keyChanged && <p className="trail-badge-loud">{t.trail.keyChanged}</p>}
      {verdict.checkpoint && (
        <dl className="facts trail-facts">
          <div>
            <dt>{t.trail.treeSize}</dt>
            <dd>{t.trail.entriesCount(verdict.checkpoint.treeSize)}</dd>
          </div>
          <div>
            <dt>{t.trail.checkpointTime}</dt>
            <dd>{dateTime(verdict.checkpoint.timestamp)}</dd>
          </div>
          <div>
            <dt>{t.trail.rootHash}</dt>
            <dd className="hash">{verdict.checkpoint.rootHash}</dd>
          </div>
        </dl>
      )}
      {verdict.checkpoint && <WitnessCosignatures verdict={verdict} />}
      {verdict.consistency === 'first-seen' && <p className="muted">{t.trail.firstSeen}</p>}
      {verdict.consistency === 'consistent' && rememberedSize !== undefined && (
        <p className="muted">{t.trail.consistent(rememberedSize)}</p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onRecheck} disabled={checking}>
          {checking ? t.trail.verifying : t.trail.recheck}
        </button>
        {untrusted && (
          <button type="button" className="danger" onClick={onForget}>
            {t.trail.forget}
          </button>
        )}
      </div>
    </div>
  );
}

/** Each witness's cosignature of the checkpoint, with whether this browser could verify it. */
function WitnessCosignatures({ verdict }: { verdict: TrailVerdict }) {
  const cosignatures = verdict.cosignatures ?? [];
  if (cosignatures.length === 0 && verdict.witnessCount === 0) {
    return <p className="muted trail-witnesses">{t.trail.witnesses.none}</p>;
  }
  if (cosignatures.length === 0 && verdict.witnessCount === undefined) return null;
  return (
    <section className="trail-witnesses" aria-label={t.trail.witnesses.title}>
      <p className="trail-witnesses-title">{t.trail.witnesses.title}</p>
      <p className="muted">{t.trail.witnesses.intro}</p>
      {verdict.witnessCount === undefined && <p className="muted">{t.trail.witnesses.listUnavailable}</p>}
      {cosignatures.length === 0 ? (
        <p className="muted">{t.trail.witnesses.noneCosigned}</p>
      ) : (
        <ul>
          {cosignatures.map((cosignature) => (
            <li
              key={`${cosignature.name}+${cosignature.keyIdHex}+${cosignature.timestamp}`}
              className={`trail-witness trail-witness-${cosignature.status}`}
            >
              <span aria-hidden="true">
                {cosignature.status === 'verified' ? '✔ ' : cosignature.status === 'failed' ? '✖ ' : '? '}
              </span>
              {t.trail.witnesses.cosigned(
                cosignature.name,
                dateTime(new Date(cosignature.timestamp * 1000).toISOString()),
              )}
              {' — '}
              {t.trail.witnesses.status[cosignature.status]}{' '}
              <span className="muted hash">({t.trail.witnesses.keyId(cosignature.keyIdHex)})</span>
              {cosignature.status === 'failed' && (
                <p className="trail-badge-loud">{t.trail.witnesses.failed(cosignature.name)}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function isFailed(verdict: EntryVerdict): verdict is Extract<EntryVerdict, { state: 'failed' }> {
  return verdict.state === 'failed';
}
