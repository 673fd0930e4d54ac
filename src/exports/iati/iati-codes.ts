import type { OrganizationType } from '../../organizations/organization.entity';
import type { ShipmentStatus } from '../../shipments/shipment-lifecycle';
import type { Category } from '../../shipments/shipment-vocabulary';

/**
 * The ledger's vocabularies in IATI 2.03 codes. Every code here is on its IATI codelist; docs/iati.md
 * says why each one was chosen.
 */

/** OrganisationType, for an organization not based in the country the goods go to. */
export const IATI_ORGANISATION_TYPE: Readonly<Record<OrganizationType, string>> = {
  government: '10', // Government
  multilateral: '40', // Multilateral
  // The DAC's channel list files the ICRC and the IFRC under international NGOs.
  ngo: '21', // International NGO
  red_cross_red_crescent: '21',
  private_sector: '70', // Private Sector
  foundation: '60', // Foundation
  academic: '80', // Academic, Training and Research
  other: '90', // Other
};

/**
 * OrganisationType for an organization based in the destination country, where IATI has a code for it: the
 * local actors that IATI's humanitarian guidance asks publishers to identify (Grand Bargain localisation).
 */
export const IATI_LOCAL_ORGANISATION_TYPE: Readonly<Partial<Record<OrganizationType, string>>> = {
  ngo: '24', // Partner Country based NGO
  red_cross_red_crescent: '24', // a National Society of the destination country
  private_sector: '72', // Private Sector in Aid Recipient Country
};

/** OrganisationRole. */
export const IATI_ROLE = {
  funding: '1',
  implementing: '4',
} as const;

/** ActivityStatus, from the delivery lifecycle. */
export const IATI_ACTIVITY_STATUS: Readonly<Record<ShipmentStatus, string>> = {
  planned: '1', // Pipeline/identification
  dispatched: '2', // Implementation
  in_transit: '2',
  held: '2', // a customs hold is part of getting the goods there, not a suspension of the activity
  arrived: '2',
  partially_delivered: '2',
  delivered: '4', // Closed: nothing more happens to a delivered shipment
  lost: '4', // Closed: it ended, without delivery
  cancelled: '5', // Cancelled
};

/** ActivityDateType. */
export const IATI_DATE_TYPE = {
  plannedStart: '1',
  actualStart: '2',
  plannedEnd: '3',
  actualEnd: '4',
} as const;

/** DescriptionType: General. */
export const IATI_DESCRIPTION_GENERAL = '1';

/** Sector vocabulary 1: OECD DAC CRS purpose codes (5 digit); humanitarian codes, as IATI advises for humanitarian activities. */
export const DAC_5_VOCABULARY = '1';
export const IATI_SECTOR: Readonly<Record<Category, string>> = {
  medical_equipment: '72011', // Basic Health Care Services in Emergencies
  medical_consumables: '72011',
  pharmaceuticals: '72011',
  ppe: '72011',
  laboratory: '72011',
  food: '72040', // Emergency food assistance
  nutrition: '72040', // non-medical nutrition belongs to 72040; therapeutic feeding would be 72011
  wash: '72010', // Material relief assistance and services
  shelter: '72010',
  non_food_items: '72010',
  logistics_equipment: '72050', // Relief co-ordination and support services (logistics, transport)
  other: '72010',
};

/** TransactionType. */
export const IATI_TRANSACTION_TYPE = {
  outgoingCommitment: '2',
  disbursement: '3',
} as const;

/** DisbursementChannel: how IATI 2.03 marks a disbursement as aid in kind. */
export const IATI_IN_KIND_CHANNEL = {
  /** Aid in kind: donors utilise third party agencies (the shipment has partners). */
  throughThirdParties: '3',
  /** Aid in kind: donors manage funds themselves. */
  byTheDonor: '4',
} as const;

/** FinanceType 110: Standard grant. */
export const IATI_FINANCE_TYPE_GRANT = '110';
/** AidType, vocabulary 1 (OECD DAC), C01: Project-type interventions (where the DAC files humanitarian aid). */
export const IATI_AID_TYPE = { vocabulary: '1', code: 'C01' } as const;

/** HumanitarianScopeType 1: Emergency. HumanitarianScopeVocabulary: 1-2 GLIDE, 99 Reporting Organisation. */
export const HUMANITARIAN_SCOPE_EMERGENCY = '1';
export const GLIDE_VOCABULARY = '1-2';
export const REPORTING_ORGANISATION_VOCABULARY = '99';

/**
 * IATI's COVID-19 publishing guidance: the GLIDE number it asks publishers to use for the pandemic, in
 * humanitarian-scope type 1, vocabulary 1-2 (also what d-portal and OCHA's COVID-19 data search for).
 */
export const COVID_19_GLIDE = 'EP-2020-000012-001';

/** A GLIDE number: hazard, year, serial, then an ISO 3166-1 alpha-3 country, a 3-digit serial or "---". */
export const GLIDE_NUMBER = /^[A-Z]{2}-\d{4}-\d{6}-(?:[A-Z]{3}|\d{3}|---)$/;
