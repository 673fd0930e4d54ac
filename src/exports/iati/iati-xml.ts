import type { IatiActivity, IatiOrganisationRef, IatiTransaction } from './iati-activity.mapper';

/**
 * IATI 2.03 XML, written as text: each activity is a few dozen elements whose order the schema fixes, so
 * a template per element reads better than a DOM, and the export streams activity by activity.
 */

/**
 * Characters XML 1.0 does not allow anywhere (C0 controls other than tab, line feed and carriage return,
 * lone surrogates, U+FFFE and U+FFFF): a parser refuses the whole file for one of them, so each becomes
 * U+FFFD, the replacement character.
 */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const xmlSafe = (text: string) => text.replace(NOT_XML_CHAR, '\uFFFD');

/** Element content: `&`, `<` and `>` escaped; a carriage return as a reference, or a parser turns it into a line feed. */
export const escapeText = (text: string) => xmlSafe(text).replace(/[&<>\r]/g, (c) => TEXT_ENTITIES[c]);
const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Attribute values (double-quoted): also quotes, and tab and line breaks, which attribute normalisation would turn into spaces. */
export const escapeAttribute = (text: string) =>
  xmlSafe(text).replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ENTITIES[c]);
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * A comment's text: no `--` inside and no `-` at the end (both forbidden in XML comments), and only
 * characters XML allows.
 */
export const commentText = (text: string) =>
  xmlSafe(text)
    .replace(/-(?=-)/g, '- ')
    .replace(/-$/, '- ');

type Attributes = Record<string, string | null | undefined>;

const attributes = (attrs: Attributes) =>
  Object.entries(attrs)
    .filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');

const empty = (name: string, attrs: Attributes) => `<${name}${attributes(attrs)}/>`;
const narrative = (text: string) => `<narrative>${escapeText(text)}</narrative>`;
const withNarrative = (name: string, attrs: Attributes, text: string) =>
  `<${name}${attributes(attrs)}>${narrative(text)}</${name}>`;

const organisation = (name: string, org: IatiOrganisationRef, extra: Attributes = {}) =>
  withNarrative(name, { ref: org.ref, type: org.type, ...extra }, org.name);

export const documentStart = (generatedAt: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" generated-datetime="${escapeAttribute(generatedAt)}">\n`;

export const documentEnd = '</iati-activities>\n';

export const comment = (text: string) => `  <!-- ${commentText(text)} -->\n`;

function transactionXml(transaction: IatiTransaction): string[] {
  return [
    '<transaction>',
    `  ${empty('transaction-type', { code: transaction.type })}`,
    `  ${empty('transaction-date', { 'iso-date': transaction.date })}`,
    `  <value${attributes({ currency: transaction.currency, 'value-date': transaction.date })}>${escapeText(transaction.value)}</value>`,
    `  <description>${narrative(transaction.description)}</description>`,
    `  ${organisation('provider-org', transaction.provider)}`,
    `  ${organisation('receiver-org', transaction.receiver)}`,
    `  ${empty('disbursement-channel', { code: transaction.disbursementChannel })}`,
    `  ${empty('finance-type', { code: transaction.financeType })}`,
    `  ${empty('aid-type', { code: transaction.aidType.code, vocabulary: transaction.aidType.vocabulary })}`,
    '</transaction>',
  ];
}

/** One iati-activity element, indented under iati-activities, its children in the schema's order. */
export function activityXml(activity: IatiActivity): string {
  const children = [
    `<iati-identifier>${escapeText(activity.identifier)}</iati-identifier>`,
    organisation('reporting-org', activity.reportingOrg),
    `<title>${narrative(activity.title)}</title>`,
    withNarrative('description', { type: activity.description.type }, activity.description.text),
    ...activity.participatingOrgs.map((org) => organisation('participating-org', org, { role: org.role })),
    empty('activity-status', { code: activity.status }),
    ...activity.dates.map((date) => empty('activity-date', { type: date.type, 'iso-date': date.isoDate })),
    empty('recipient-country', { code: activity.recipientCountry }),
    ...activity.sectors.map((sector) => empty('sector', sector)),
    ...activity.humanitarianScopes.map(({ narrative: text, ...scope }) =>
      withNarrative('humanitarian-scope', scope, text),
    ),
    ...activity.transactions.flatMap(transactionXml),
  ];
  const open = `<iati-activity${attributes({ 'last-updated-datetime': activity.lastUpdated, humanitarian: '1' })}>`;
  return [`  ${open}`, ...children.map((line) => `    ${line}`), '  </iati-activity>', ''].join('\n');
}
