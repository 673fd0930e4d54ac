import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Readable } from 'node:stream';
import { IatiSourceShipment } from '../../src/exports/iati/iati-activity.mapper';
import { IatiActivitiesWriter } from '../../src/exports/iati/iati-activities-writer';
import { commentText, escapeAttribute, escapeText, xmlSafe } from '../../src/exports/iati/iati-xml';
import { iatiSchema, SCHEMA_SKIP_NOTE, validateWithXmllint } from '../support/iati-schema';

const TRICKY = 'Masks <FFP2> & "suits" \'n\' gloves\u0000\u0007 \u000B\uFFFE\uD800 tab\there\r\nend';

const shipment = (overrides: Partial<IatiSourceShipment> = {}): IatiSourceShipment => ({
  reference: 'SHP-2020-000001',
  title: TRICKY,
  status: 'in_transit',
  donor: {
    id: 'd0',
    name: 'Donor "A" & <B>',
    type: 'ngo',
    countryCode: null,
    iatiIdentifier: 'XM-EXAMPLE-1',
  },
  recipient: {
    id: 'r0',
    name: "Міністерство охорони здоров'я України",
    type: 'government',
    countryCode: 'UA',
    iatiIdentifier: null,
  },
  partners: [
    { id: 'p0', name: 'WHO', type: 'multilateral', countryCode: 'CH', iatiIdentifier: 'XM-DAC-928' },
  ],
  destinationCountry: 'UA',
  emergency: 'COVID-19',
  plannedDispatchDate: '2020-06-10',
  expectedArrivalDate: null,
  dispatchedAt: '2020-06-10T08:00:00.000Z',
  endedAt: null,
  createdAt: '2020-06-01T09:00:00.000Z',
  updatedAt: '2020-06-12T14:30:00.000Z',
  declaredValue: [{ currency: 'USD', amount: '0.30' }],
  items: [
    {
      lineNo: 1,
      description: TRICKY,
      category: 'ppe',
      quantity: '1.5',
      unit: 'box',
      batchNumber: 'L--1-',
      expiryDate: null,
    },
  ],
  ...overrides,
});

/** Runs rows through the writer as the query would hand them over. */
async function write(rows: Array<[IatiSourceShipment, string]>) {
  const writer = new IatiActivitiesWriter('2026-12-01T06:00:00.000Z');
  const chunks: string[] = [];
  Readable.from(rows).pipe(writer);
  for await (const chunk of writer) chunks.push(String(chunk));
  return { xml: chunks.join(''), skipped: await writer.skipped };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  commentPropName: '#comment',
  htmlEntities: true, // numeric character references too (&#13;)
  isArray: (name) =>
    ['iati-activity', 'participating-org', 'transaction', '#comment', 'narrative'].includes(name),
});

describe('IATI XML', () => {
  it('escapes text and attributes, and keeps tabs and line breaks in attributes through normalisation', () => {
    expect(escapeText('a < b & c > d "q" \'s\'\r\n')).toBe('a &lt; b &amp; c &gt; d "q" \'s\'&#13;\n');
    expect(escapeAttribute('a < b & "q" \'s\'\t\r\n')).toBe(
      'a &lt; b &amp; &quot;q&quot; &apos;s&apos;&#9;&#13;&#10;',
    );
  });

  it('replaces what XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE) with U+FFFD, keeping pairs and emoji', () => {
    expect(xmlSafe('a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh',
    );
    expect(xmlSafe('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(xmlSafe('tab\tlf\ncr\r 🍼 Ω')).toBe('tab\tlf\ncr\r 🍼 Ω');
  });

  it('writes comments without "--" and without a "-" at the end', () => {
    expect(commentText('a--b---c-')).toBe('a- -b- - -c- ');
    expect(commentText('x\u0001')).toBe('x\uFFFD');
  });

  it('writes a well-formed document whose text reads back exactly, tricky characters replaced', async () => {
    const { xml, skipped } = await write([[shipment(), '0']]);
    expect(skipped).toBe(0);
    expect(XMLValidator.validate(xml)).toBe(true);
    const activity = parser.parse(xml)['iati-activities']['iati-activity'][0];
    const expected = 'Masks <FFP2> & "suits" \'n\' gloves\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD tab\there\r\nend';
    expect(activity.title.narrative[0]).toBe(expected);
    expect(activity['reporting-org'].narrative[0]).toBe('Donor "A" & <B>');
    expect(activity.description.narrative[0]).toBe(`1.5 box ${expected}, lot L--1-`);
    expect(activity.transaction[0].value).toEqual({
      '#text': '0.30',
      '@currency': 'USD',
      '@value-date': '2020-06-10',
    });
  });

  it('writes a skipped shipment as a comment and counts it, before and after', async () => {
    const orphan = shipment({
      reference: 'AZ--UA-',
      donor: { ...shipment().donor, id: 'd1', iatiIdentifier: null },
    });
    const { xml, skipped } = await write([
      [shipment(), '1'],
      [orphan, '1'],
    ]);
    expect(skipped).toBe(1);
    expect(XMLValidator.validate(xml)).toBe(true);
    const document = parser.parse(xml)['iati-activities'];
    expect(document['iati-activity']).toHaveLength(1);
    expect(document['#comment']).toEqual([
      ' Shipment AZ- -UA- not exported: its donor (the reporting organisation) has no IATI organisation identifier (donor d1). ',
      ' 1 activities exported; 1 shipments skipped. ',
    ]);
  });

  it('writes an empty document when there is nothing to export', async () => {
    const { xml, skipped } = await write([]);
    expect(skipped).toBe(0);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<iati-activities version="2.03" generated-datetime="2026-12-01T06:00:00.000Z">\n' +
        '  <!-- 0 activities exported; 0 shipments skipped. -->\n' +
        '</iati-activities>\n',
    );
  });

  const schema = iatiSchema();
  if (!schema) {
    it.skip(SCHEMA_SKIP_NOTE, () => undefined);
    return;
  }
  it('validates against the IATI 2.03 schema, for every lifecycle shape', async () => {
    const rows: Array<[IatiSourceShipment, string]> = [
      [shipment(), '0'],
      [
        shipment({
          reference: 'A1',
          status: 'planned',
          dispatchedAt: null,
          plannedDispatchDate: null,
          emergency: null,
        }),
        '0',
      ],
      [
        shipment({
          reference: 'A2',
          status: 'delivered',
          endedAt: '2020-06-22T10:00:00.000Z',
          emergency: 'Floods',
          partners: [],
        }),
        '0',
      ],
      [
        shipment({
          reference: 'A3',
          status: 'cancelled',
          dispatchedAt: null,
          endedAt: '2020-06-09T10:00:00.000Z',
        }),
        '0',
      ],
      [shipment({ reference: 'A4', title: null, declaredValue: [], emergency: 'EQ-2023-000015-TUR' }), '0'],
    ];
    const { xml } = await write(rows);
    const verdict = validateWithXmllint(schema, xml);
    expect(verdict.output).toBe('- validates');
    expect(verdict.valid).toBe(true);
  });
});
