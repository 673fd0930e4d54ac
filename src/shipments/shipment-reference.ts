/**
 * The reference rule, stated once: references of the form SHP-<year of creation, UTC>-<number of six
 * digits or more> are handed out by the ledger from one sequence; clients may choose any other form.
 */

/** A reference of the ledger's own form, which a client may not choose. */
export const GENERATED_REFERENCE = /^SHP-\d{4}-\d{6,}$/;

/**
 * The next reference number: six digits, more once a million have been given out (lpad would cut
 * 1000000 to 100000, a duplicate). A plain expression, evaluated per row.
 */
export const REFERENCE_NUMBER = `to_char(nextval('shipment_reference_seq'), 'FM999999999999000000')`;

/** The SQL of a new generated reference for a shipment created at `createdAt` (a timestamptz expression). */
export const generatedReference = (createdAt: string) =>
  `'SHP-' || to_char(${createdAt} AT TIME ZONE 'UTC', 'YYYY') || '-' || ${REFERENCE_NUMBER}`;
