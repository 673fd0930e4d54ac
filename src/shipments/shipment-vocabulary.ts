/** The contract's closed vocabularies for shipments and their lines. */
export const CATEGORIES = [
  'medical_equipment',
  'medical_consumables',
  'pharmaceuticals',
  'ppe',
  'laboratory',
  'food',
  'nutrition',
  'wash',
  'shelter',
  'non_food_items',
  'logistics_equipment',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const UNITS = ['each', 'pack', 'box', 'carton', 'pallet', 'kit', 'kg', 'tonne', 'litre', 'dose', 'set'] as const;
export const TRANSPORT_MODES = ['air', 'sea', 'road', 'rail', 'multimodal'] as const;
export const PRIORITIES = ['urgent', 'standard', 'low'] as const;
export const MAX_ITEMS = 1000;
export const MAX_PARTNERS = 20;
