import type { OrganizationType } from '../../organizations/organization.entity';
import type { ShipmentStatus } from '../../shipments/shipment-lifecycle';
import type { Category } from '../../shipments/shipment-vocabulary';
import {
  COVID_19_GLIDE,
  DAC_5_VOCABULARY,
  GLIDE_NUMBER,
  GLIDE_VOCABULARY,
  HUMANITARIAN_SCOPE_EMERGENCY,
  IATI_ACTIVITY_STATUS,
  IATI_AID_TYPE,
  IATI_DATE_TYPE,
  IATI_DESCRIPTION_GENERAL,
  IATI_FINANCE_TYPE_GRANT,
  IATI_IN_KIND_CHANNEL,
  IATI_LOCAL_ORGANISATION_TYPE,
  IATI_ORGANISATION_TYPE,
  IATI_ROLE,
  IATI_SECTOR,
  IATI_TRANSACTION_TYPE,
  REPORTING_ORGANISATION_VOCABULARY,
} from './iati-codes';

/** An organization as the export reads it. */
export interface IatiSourceOrganization {
  id: string;
  name: string;
  type: OrganizationType;
  countryCode: string | null;
  iatiIdentifier: string | null;
}

export interface IatiSourceLine {
  lineNo: number;
  description: string;
  category: Category;
  quantity: string;
  unit: string;
  batchNumber: string | null;
  expiryDate: string | null;
}

/** One shipment as the export's query reads it: decimals and dates as text. */
export interface IatiSourceShipment {
  reference: string;
  title: string | null;
  status: ShipmentStatus;
  donor: IatiSourceOrganization;
  recipient: IatiSourceOrganization;
  partners: IatiSourceOrganization[];
  destinationCountry: string;
  emergency: string | null;
  /** YYYY-MM-DD */
  plannedDispatchDate: string | null;
  expectedArrivalDate: string | null;
  /** When the effective (not voided) dispatched event occurred, ISO 8601 UTC. */
  dispatchedAt: string | null;
  /** When the effective event that made the status final (delivered, lost, cancelled) occurred. */
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Quantity × unit value per currency, as stored with the shipment. */
  declaredValue: Array<{ currency: string; amount: string }>;
  items: IatiSourceLine[];
}

export interface IatiOrganisationRef {
  /** The IATI organisation identifier, when the organization has one. */
  ref: string | null;
  type: string;
  name: string;
}

export interface IatiTransaction {
  type: string;
  /** YYYY-MM-DD: transaction-date and value/@value-date. */
  date: string;
  currency: string;
  /** A decimal string, exactly as stored. */
  value: string;
  description: string;
  provider: IatiOrganisationRef;
  receiver: IatiOrganisationRef;
  disbursementChannel: string;
  financeType: string;
  aidType: { vocabulary: string; code: string };
}

/** An iati-activity, in the order of its elements in the 2.03 schema. */
export interface IatiActivity {
  identifier: string;
  lastUpdated: string;
  reportingOrg: IatiOrganisationRef & { ref: string };
  title: string;
  description: { type: string; text: string };
  participatingOrgs: Array<IatiOrganisationRef & { role: string }>;
  status: string;
  dates: Array<{ type: string; isoDate: string }>;
  recipientCountry: string;
  sectors: Array<{ vocabulary: string; code: string; percentage: string }>;
  humanitarianScopes: Array<{ type: string; vocabulary: string; code: string; narrative: string }>;
  transactions: IatiTransaction[];
}

export type IatiMapping =
  | { exported: true; activity: IatiActivity }
  | { exported: false; reference: string; donorId: string; reason: string };

/** A shipment as an IATI activity, or why it cannot be one. */
export function toIatiActivity(shipment: IatiSourceShipment): IatiMapping {
  const donorRef = shipment.donor.iatiIdentifier;
  if (!donorRef) {
    return {
      exported: false,
      reference: shipment.reference,
      donorId: shipment.donor.id,
      reason: 'its donor (the reporting organisation) has no IATI organisation identifier',
    };
  }
  const donor = organisationRef(shipment.donor, shipment.destinationCountry);
  const recipient = organisationRef(shipment.recipient, shipment.destinationCountry);
  return {
    exported: true,
    activity: {
      identifier: activityIdentifier(donorRef, shipment.reference),
      lastUpdated: shipment.updatedAt,
      reportingOrg: { ...donor, ref: donorRef },
      title: shipment.title ?? `Shipment ${shipment.reference}`,
      description: { type: IATI_DESCRIPTION_GENERAL, text: contentsDescription(shipment.items) },
      participatingOrgs: participatingOrgs(shipment),
      status: IATI_ACTIVITY_STATUS[shipment.status],
      dates: activityDates(shipment),
      recipientCountry: shipment.destinationCountry,
      sectors: sectors(shipment.items),
      humanitarianScopes: humanitarianScopes(shipment.emergency),
      transactions: transactions(shipment, donor, recipient),
    },
  };
}

/** The reporting organisation's identifier, then the shipment's reference (IATI's "{org id}-{own id}"). */
export const activityIdentifier = (organisationIdentifier: string, reference: string) =>
  `${organisationIdentifier}-${reference}`;

/** An organization as IATI names it: its identifier, and its type as seen from the destination country. */
export const organisationRef = (
  organization: IatiSourceOrganization,
  destinationCountry: string,
): IatiOrganisationRef => ({
  ref: organization.iatiIdentifier,
  type: organisationType(organization, destinationCountry),
  name: organization.name,
});

/** OrganisationType: an NGO, Red Cross or Red Crescent society or company based where the goods go is local. */
export function organisationType(organization: IatiSourceOrganization, destinationCountry: string): string {
  const local =
    organization.countryCode === destinationCountry
      ? IATI_LOCAL_ORGANISATION_TYPE[organization.type]
      : undefined;
  return local ?? IATI_ORGANISATION_TYPE[organization.type];
}

/**
 * Funding: the donor. Implementing: the partners and the recipient, which takes the goods and puts them
 * to use (docs/iati.md: why not Accountable or Extending).
 */
export function participatingOrgs(shipment: IatiSourceShipment): IatiActivity['participatingOrgs'] {
  const ref = (organization: IatiSourceOrganization) =>
    organisationRef(organization, shipment.destinationCountry);
  return [
    { role: IATI_ROLE.funding, ...ref(shipment.donor) },
    { role: IATI_ROLE.implementing, ...ref(shipment.recipient) },
    ...shipment.partners.map((partner) => ({ role: IATI_ROLE.implementing, ...ref(partner) })),
  ];
}

/** One line per item: "quantity unit description", then its lot and expiry when given. */
export function contentsDescription(items: IatiSourceLine[]): string {
  return items
    .map((item) => {
      const parts = [`${item.quantity} ${item.unit} ${item.description}`];
      if (item.batchNumber) parts.push(`lot ${item.batchNumber}`);
      if (item.expiryDate) parts.push(`expiry ${item.expiryDate}`);
      return parts.join(', ');
    })
    .join('\n');
}

const dateOf = (timestamp: string) => timestamp.slice(0, 10);

/**
 * Planned start and end from the planned dispatch and expected arrival; actual start at dispatch; actual end
 * when the shipment was delivered, lost or cancelled. The schema needs one date at least: a shipment with no
 * planned dispatch that has not left yet is given its recording date as planned start.
 */
export function activityDates(shipment: IatiSourceShipment): IatiActivity['dates'] {
  const dates: IatiActivity['dates'] = [];
  const plannedStart =
    shipment.plannedDispatchDate ?? (shipment.dispatchedAt ? null : dateOf(shipment.createdAt));
  if (plannedStart) dates.push({ type: IATI_DATE_TYPE.plannedStart, isoDate: plannedStart });
  if (shipment.dispatchedAt)
    dates.push({ type: IATI_DATE_TYPE.actualStart, isoDate: dateOf(shipment.dispatchedAt) });
  if (shipment.expectedArrivalDate)
    dates.push({ type: IATI_DATE_TYPE.plannedEnd, isoDate: shipment.expectedArrivalDate });
  if (shipment.endedAt) dates.push({ type: IATI_DATE_TYPE.actualEnd, isoDate: dateOf(shipment.endedAt) });
  return dates;
}

/**
 * DAC 5-digit sectors from the lines' categories, each weighted by its share of the lines (values in
 * different currencies cannot be added up without an exchange rate the ledger does not hold). Percentages
 * have two decimals and add up to exactly 100: integer hundredths, the remainder to the largest share
 * (the lowest code among equals).
 */
export function sectors(items: IatiSourceLine[]): IatiActivity['sectors'] {
  const lines = new Map<string, number>();
  for (const item of items) {
    const code = IATI_SECTOR[item.category];
    lines.set(code, (lines.get(code) ?? 0) + 1);
  }
  const total = items.length;
  const shares = [...lines]
    .map(([code, count]) => ({ code, count, hundredths: Math.floor((count * 10000) / total) }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  if (shares.length > 0)
    shares[0].hundredths += 10000 - shares.reduce((sum, share) => sum + share.hundredths, 0);
  return shares.map((share) => ({
    vocabulary: DAC_5_VOCABULARY,
    code: share.code,
    percentage: percentage(share.hundredths),
  }));
}

const percentage = (hundredths: number) => {
  const whole = Math.trunc(hundredths / 100);
  const fraction = hundredths % 100;
  return fraction === 0 ? `${whole}` : `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
};

/**
 * The emergency as humanitarian-scope type 1: COVID-19 by the GLIDE number of IATI's guidance, an emergency
 * written as a GLIDE number as itself (vocabulary 1-2), any other by its name (vocabulary 99, the reporting
 * organisation's own).
 */
export function humanitarianScopes(emergency: string | null): IatiActivity['humanitarianScopes'] {
  const name = emergency?.trim();
  if (!name) return [];
  if (isCovid19(name)) {
    return [
      {
        type: HUMANITARIAN_SCOPE_EMERGENCY,
        vocabulary: GLIDE_VOCABULARY,
        code: COVID_19_GLIDE,
        narrative: name,
      },
    ];
  }
  if (GLIDE_NUMBER.test(name.toUpperCase())) {
    const code = name.toUpperCase();
    return [{ type: HUMANITARIAN_SCOPE_EMERGENCY, vocabulary: GLIDE_VOCABULARY, code, narrative: code }];
  }
  return [
    {
      type: HUMANITARIAN_SCOPE_EMERGENCY,
      vocabulary: REPORTING_ORGANISATION_VOCABULARY,
      code: name,
      narrative: name,
    },
  ];
}

/** "COVID-19", "Covid 19", "covid19", "COVID-19 pandemic"… */
const isCovid19 = (name: string) => /^covid[\s-]?19\b/i.test(name);

/**
 * One transaction per currency with the declared value as stored. Dispatched goods are a disbursement
 * in kind (DisbursementChannel 3 or 4), value-dated at dispatch; goods not yet dispatched an outgoing
 * commitment, value-dated at the planned dispatch (or the recording date). A shipment cancelled before
 * it left has none: nothing was given.
 */
export function transactions(
  shipment: IatiSourceShipment,
  donor: IatiOrganisationRef,
  recipient: IatiOrganisationRef,
): IatiTransaction[] {
  const dispatched = shipment.dispatchedAt !== null;
  if (!dispatched && shipment.status === 'cancelled') return [];
  const date = dispatched
    ? dateOf(shipment.dispatchedAt!)
    : (shipment.plannedDispatchDate ?? dateOf(shipment.createdAt));
  const channel =
    shipment.partners.length > 0 ? IATI_IN_KIND_CHANNEL.throughThirdParties : IATI_IN_KIND_CHANNEL.byTheDonor;
  return shipment.declaredValue.map(({ currency, amount }) => ({
    type: dispatched ? IATI_TRANSACTION_TYPE.disbursement : IATI_TRANSACTION_TYPE.outgoingCommitment,
    date,
    currency,
    value: amount,
    description: `Goods in kind, declared value in ${currency} (${dispatched ? 'dispatched' : 'planned'})`,
    provider: donor,
    receiver: recipient,
    disbursementChannel: channel,
    financeType: IATI_FINANCE_TYPE_GRANT,
    aidType: IATI_AID_TYPE,
  }));
}
