import { escapeLike, SqlParams } from '../common/sql';

/** The searched texts of a shipment and of a line; each has a trigram GIN index on exactly this expression. */
const SHIPMENT_TEXT = (alias: string) => `(${alias}.reference || ' ' || coalesce(${alias}.title, ''))`;
const LINE_TEXT = (alias: string) =>
  `(${alias}.description || ' ' || coalesce(${alias}.item_code, '') || ' ' || coalesce(${alias}.batch_number, ''))`;

/** The LIKE pattern of a searched text, as a placeholder: the text anywhere, its wildcards meant literally. */
export const searchPattern = (params: SqlParams, text: string) => params.add(`%${escapeLike(text)}%`);

/** Ids of the shipments whose reference, title or a line's text contains `pattern`, found through the
 * trigram indexes (one id per matching shipment or line, so an id may repeat). */
export const textSearchHits = (pattern: string) =>
  `SELECT qs.id FROM shipment qs WHERE ${SHIPMENT_TEXT('qs')} ILIKE ${pattern}
   UNION ALL
   SELECT qi.shipment_id FROM shipment_item qi WHERE ${LINE_TEXT('qi')} ILIKE ${pattern}`;

/**
 * The same test, row by row, for walking shipments in list order. OFFSET 0 keeps PostgreSQL from turning
 * the EXISTS into a hashed subplan, which would first collect every matching line (seconds for a common
 * word at a million shipments) when a page needs only the first few dozen.
 */
const textSearchRow = (pattern: string) =>
  `(${SHIPMENT_TEXT('s')} ILIKE ${pattern}
    OR EXISTS (SELECT 1 FROM shipment_item fq WHERE fq.shipment_id = s.id AND ${LINE_TEXT('fq')} ILIKE ${pattern} OFFSET 0))`;

/** Shipments a text search walks in list order before it looks at how many hits the text has (step 1). */
const SEARCH_WALK = 2000;

/**
 * Hits up to which a text counts as rare and its hits are collected and sorted (step 2). Collecting
 * costs one lookup per hit; walking costs about page size × shipments / hits tests: the two meet near
 * sqrt(51 × 1,000,000) ≈ 7,000 hits at a million shipments, and counting is itself bounded by this.
 */
const FEW_SEARCH_HITS = 2000;

/** How a list page is read: `page(from, conditions)` is its statement over shipments `s` from `from`. */
export interface ListPlan {
  /** The list's own conditions on `s` (scope, filters, keyset), without the text. */
  conditions: string[];
  /** ORDER BY … of the list, on `s`. */
  order: string;
  /** ASC or DESC: the order of the result's sort_at, sort_id columns. */
  direction: string;
  page(from: string, where: string[]): string;
}

/**
 * A list page of the shipments whose texts contain `text`. Text search has two good plans, and which one
 * depends on how common the text is: a common text is found soonest by walking the shipments in list
 * order and testing each, a rare one by collecting its few hits through the trigram indexes and sorting
 * them. Three steps, in one statement (one snapshot), each later one behind a one-time test of the
 * earlier ones, so only what is needed runs:
 *  1. walk the first SEARCH_WALK shipments in order: a full page there is the answer (a common text);
 *  2. else count the hits through the trigram indexes, up to FEW_SEARCH_HITS: if that is all of them,
 *     collect and sort them (a rare text);
 *  3. else the text is common but not among the newest: walk on, testing each shipment.
 * A GIN index lists every match of a text before a LIMIT can stop it, so step 2 costs in proportion to
 * how common the text is (75 ms for 'rehydration', 200,000 lines at a million shipments); step 1 spares
 * the usual case that cost. `rows` is the page size's placeholder.
 */
export function textSearchPage(params: SqlParams, text: string, plan: ListPlan, rows: string): string {
  const { conditions, order, direction, page } = plan;
  const pattern = searchPattern(params, text);
  const walkedFrom = `(SELECT * FROM shipment s WHERE ${conditions.join(' AND ')} ${order} LIMIT ${SEARCH_WALK}) s`;
  const notFilled = 'NOT (SELECT page FROM filled)';
  return `WITH walked AS MATERIALIZED (${page(walkedFrom, [textSearchRow(pattern)])}),
            filled AS MATERIALIZED (SELECT count(*) >= ${rows} AS page FROM walked),
            hits AS MATERIALIZED (SELECT id FROM (${textSearchHits(pattern)}) h WHERE ${notFilled} LIMIT ${FEW_SEARCH_HITS + 1}),
            few AS MATERIALIZED (SELECT count(*) <= ${FEW_SEARCH_HITS} AS hits FROM hits)
       SELECT shipment, cursor_value FROM (
         (SELECT * FROM walked WHERE (SELECT page FROM filled))
         UNION ALL
         (${page('shipment s', [notFilled, '(SELECT hits FROM few)', ...conditions, 's.id IN (SELECT id FROM hits)'])})
         UNION ALL
         (${page('shipment s', [notFilled, 'NOT (SELECT hits FROM few)', ...conditions, textSearchRow(pattern)])})
       ) found ORDER BY sort_at ${direction}, sort_id ${direction}`;
}
