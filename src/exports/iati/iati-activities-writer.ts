import { Transform, TransformCallback } from 'node:stream';
import { IatiSourceShipment, toIatiActivity } from './iati-activity.mapper';
import { activityXml, comment, documentEnd, documentStart } from './iati-xml';

/**
 * Turns the IATI query's rows ([shipment, skipped]) into the XML document, one activity per shipment as the
 * rows arrive. A shipment that cannot be an activity (its donor has no IATI identifier) becomes a comment
 * in its place, and a last comment sums them up. `skipped` resolves with the number of such shipments as
 * soon as it is known (the first row carries it; no row means none), so that it can go in a header.
 */
export class IatiActivitiesWriter extends Transform {
  readonly skipped: Promise<number>;
  private announce!: (count: number) => void;
  private fail!: (error: Error) => void;
  private started = false;
  private exported = 0;
  private skippedSoFar = 0;

  constructor(private readonly generatedAt: string) {
    super({ writableObjectMode: true, readableObjectMode: false, encoding: 'utf8' });
    this.skipped = new Promise<number>((resolve, reject) => {
      this.announce = resolve;
      this.fail = reject;
    });
    // Awaited by the service; a rejection it never awaits (the client left) must not go unhandled.
    this.skipped.catch(() => undefined);
  }

  override _transform(
    [shipment, skipped]: [IatiSourceShipment, string],
    _encoding: BufferEncoding,
    done: TransformCallback,
  ) {
    try {
      if (!this.started) this.start(Number(skipped));
      const mapping = toIatiActivity(shipment);
      if (mapping.exported) {
        this.exported += 1;
        done(null, activityXml(mapping.activity));
      } else {
        this.skippedSoFar += 1;
        done(
          null,
          comment(
            `Shipment ${mapping.reference} not exported: ${mapping.reason} (donor ${mapping.donorId}).`,
          ),
        );
      }
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback) {
    if (!this.started) this.start(0);
    this.push(comment(`${this.exported} activities exported; ${this.skippedSoFar} shipments skipped.`));
    done(null, documentEnd);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void) {
    this.fail(error ?? new Error('IATI export ended before its first row'));
    done(error);
  }

  private start(skipped: number) {
    this.started = true;
    this.announce(skipped);
    this.push(documentStart(this.generatedAt));
  }
}
