import './trail.css';
import { Link } from 'wouter';
import { api } from '../api/client';
import { useResource } from '../api/use-resource';
import { useMe } from '../access/session';
import { may } from '../access/permissions';
import { t } from '../i18n';
import { dateTime } from '../ui/locale-format';
import { PageTitle } from '../ui/page-title';
import { Forbidden, LoadFailure, Loading } from '../ui/states';
import { forgetCheckpoint } from './checkpoint-memory';
import { EntryChangesTable } from './entry-changes-table';
import { TrailBadge } from './trail-badge';
import type { EntryVerdict } from './trail-verification';
import { useVerifiedTrail, type HistoryEntry } from './use-verified-trail';
import { WholeLogTools } from './whole-log-tools';

/**
 * A shipment's history, verified by this browser (the roles that may read history: admin, auditor,
 * coordinator). Loaded on demand, so the proof checking is not part of the first screen's code.
 */
export default function HistoryPage({ id }: { id: string }) {
  const me = useMe();
  if (!may.readHistory(me)) return <Forbidden />;
  return <VerifiedHistory id={id} wholeLog={may.verifyLog(me)} />;
}

function VerifiedHistory({ id, wholeLog }: { id: string; wholeLog: boolean }) {
  const shipment = useResource(`shipment:${id}`, (signal) =>
    api.GET('/api/v1/shipments/{idOrReference}', { params: { path: { idOrReference: id } }, signal }),
  );
  const trail = useVerifiedTrail(id);
  if (shipment.state === 'failed') return <LoadFailure failure={shipment.failure} retry={shipment.reload} />;
  if (trail.phase === 'failed') return <LoadFailure failure={trail.failure} retry={trail.recheck} />;
  const reference = shipment.state === 'ready' ? shipment.data.reference : id;
  return (
    <section className="trail-page">
      <PageTitle title={t.trail.title(reference)}>{t.trail.title(reference)}</PageTitle>
      <p>
        <Link href={`/shipments/${id}`}>{t.trail.backToShipment}</Link>
      </p>
      <p className="muted">{t.trail.intro}</p>
      {trail.phase === 'loading' ? (
        <Loading />
      ) : (
        <>
          <TrailBadge
            entries={trail.entries}
            verdict={trail.verdict}
            checking={trail.checking}
            rememberedSize={trail.heldBefore?.treeSize}
            onRecheck={trail.recheck}
            onForget={() => {
              forgetCheckpoint(localStorage);
              trail.recheck();
            }}
          />
          <h2>{t.trail.entriesTitle}</h2>
          {trail.entries.length === 0 ? (
            <p>{t.trail.empty}</p>
          ) : (
            <ol className="trail-entries">
              {trail.entries.map((entry, i) => (
                <TrailEntry key={entry.id} entry={entry} verdict={trail.verdict?.entries[i]} />
              ))}
            </ol>
          )}
        </>
      )}
      {wholeLog && <WholeLogTools />}
    </section>
  );
}

function TrailEntry({ entry, verdict }: { entry: HistoryEntry; verdict?: EntryVerdict }) {
  const state = verdict?.state ?? 'unchecked';
  const headingId = `entry-${entry.id}`;
  return (
    <li className={`trail-entry trail-entry-${state}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t.trail.actions[entry.action] ?? entry.action}
        <span className="trail-entry-seq"> {t.trail.entryNumber(entry.seq)}</span>
      </h3>
      <p className="trail-entry-meta">
        <time dateTime={entry.recordedAt}>{dateTime(entry.recordedAt)}</time>
        {' · '}
        {t.trail.by(entry.actor.name, t.access.roles[entry.actor.role] ?? entry.actor.role)}
        {' · '}
        <span className={`entry-state entry-state-${state}`}>
          {t.trail.entryState[state]}
          {verdict?.state === 'failed' && `: ${t.trail.entryProblems[verdict.problem]}`}
        </span>
      </p>
      <EntryChangesTable entry={entry} />
    </li>
  );
}
