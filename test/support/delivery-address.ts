/** Where journeys and benchmarks deliver: Rua Augusta, São Paulo, as a customer types it at checkout. */
export const ruaAugusta = {
  street: 'Rua Augusta',
  number: '1500',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01304001',
  latitude: -23.5587,
  longitude: -46.6603,
} as const;
