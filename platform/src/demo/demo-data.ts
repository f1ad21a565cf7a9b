// The demo marketplace: who and what `npm run demo:seed` creates. Everyone is in São Paulo,
// within the couriers' service areas, so orders are offered and delivered as in real use.

/** Every demo account's password; printed by the seed. Meets the password policy. */
export const DEMO_PASSWORD = 'GasRapido-Demo-2026';

export interface DemoPerson {
  email: string;
  phone: string;
  name: string;
}

export const demoAdmin: DemoPerson = { email: 'admin@demo.gasrapido.com.br', phone: '+5511990000001', name: 'Ana Souza (admin)' };

export type DemoSaleType = 'REFILL_EXCHANGE' | 'FULL_WITH_CYLINDER' | 'EMPTY_CYLINDER';

export interface DemoProduct {
  name: string;
  description: string;
  cylinderType: 'P5' | 'P13' | 'P20' | 'P45';
  /** Troca, completo or vasilhame: the same P13 costs about R$ 110 as troca and R$ 300 as completo. */
  saleType: DemoSaleType;
  /** Left out in a store tied to a brand: it sells that brand. */
  brand?: string;
  priceAmount: number;
  stockQuantity: number;
  lowStockThreshold: number;
}

type OpeningHours = ReadonlyArray<{ weekday: number; opens: string; closes: string }>;

/** A demo store: what saveStore takes, and the products it sells. */
export interface DemoStore {
  name: string;
  address: {
    street: string;
    number: string;
    district: string;
    city: string;
    state: string;
    postalCode: string;
    latitude: number;
    longitude: number;
  };
  deliveryArea: { radiusKm: number; polygon?: ReadonlyArray<{ latitude: number; longitude: number }> };
  openingHours: OpeningHours;
  exceptions?: ReadonlyArray<{ date: string; closed: boolean; reason: string }>;
  resellerType: 'INDEPENDENT' | 'BRANDED';
  brand?: string;
  minimumOrderAmount: number;
  deliveryFee: { baseAmount: number; perKmAmount: number; freeAboveAmount: number | null };
  preparationMinutes: number;
  autoAccept: boolean;
  products: readonly DemoProduct[];
}

export interface DemoSupplier extends DemoPerson {
  stores: readonly DemoStore[];
}

const days = (from: number, to: number, opens: string, closes: string) =>
  Array.from({ length: to - from + 1 }, (_, index) => ({ weekday: from + index, opens, closes }));
/** Monday to Saturday 07:00–21:00, Sunday 08:00–13:00: a neighbourhood revenda's hours. */
const neighbourhoodHours: OpeningHours = [...days(1, 6, '07:00', '21:00'), { weekday: 7, opens: '08:00', closes: '13:00' }];
/** Plantão 24 horas: open around the clock, every day. */
const aroundTheClock: OpeningHours = days(1, 7, '00:00', '24:00');

/** The next occurrence of a month and day (YYYY-MM-DD), today included: holidays stay ahead of whoever seeds. */
function next(month: number, day: number): string {
  const today = new Date();
  const thisYear = new Date(Date.UTC(today.getUTCFullYear(), month - 1, day));
  const year =
    thisYear.getTime() >= Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())
      ? thisYear.getUTCFullYear()
      : thisYear.getUTCFullYear() + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
const holidays = [
  { date: next(12, 25), closed: true, reason: 'Natal' },
  { date: next(1, 1), closed: true, reason: 'Confraternização Universal' },
];

/**
 * Two revendas across São Paulo: one tied to Ultragaz (it sells only that brand), one independent
 * (several brands). Rua Augusta, the customer's address, is inside every area but Lapa's.
 */
export const demoSuppliers: readonly DemoSupplier[] = [
  {
    email: 'vila-mariana@demo.gasrapido.com.br',
    phone: '+5511990000011',
    name: 'Gás Paulista Vila Mariana',
    stores: [
      {
        name: 'Gás Paulista Vila Mariana',
        address: {
          street: 'Rua Domingos de Morais',
          number: '1200',
          district: 'Vila Mariana',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '04010100',
          latitude: -23.5893,
          longitude: -46.6345,
        },
        deliveryArea: { radiusKm: 6 },
        openingHours: neighbourhoodHours,
        exceptions: holidays,
        resellerType: 'BRANDED',
        brand: 'Ultragaz',
        minimumOrderAmount: 0,
        deliveryFee: { baseAmount: 500, perKmAmount: 150, freeAboveAmount: 15_000 },
        preparationMinutes: 10,
        autoAccept: false,
        products: [
          {
            name: 'Botijão de gás P13',
            description: 'Troca: o botijão de cozinha, 13 kg; entregue o vazio ao entregador.',
            cylinderType: 'P13',
            saleType: 'REFILL_EXCHANGE',
            priceAmount: 11_500,
            stockQuantity: 60,
            lowStockThreshold: 10,
          },
          {
            name: 'Botijão de gás P13 completo',
            description: 'Gás e vasilhame novo, para quem não tem botijão vazio para trocar.',
            cylinderType: 'P13',
            saleType: 'FULL_WITH_CYLINDER',
            priceAmount: 32_000,
            stockQuantity: 15,
            lowStockThreshold: 3,
          },
          {
            name: 'Vasilhame P13 (vazio)',
            description: 'O botijão vazio, sem gás.',
            cylinderType: 'P13',
            saleType: 'EMPTY_CYLINDER',
            priceAmount: 20_500,
            stockQuantity: 10,
            lowStockThreshold: 2,
          },
          {
            name: 'Botijão de gás P45',
            description: 'Troca: cilindro de 45 kg para comércio e condomínios.',
            cylinderType: 'P45',
            saleType: 'REFILL_EXCHANGE',
            priceAmount: 42_000,
            stockQuantity: 12,
            lowStockThreshold: 3,
          },
          {
            name: 'Botijão de gás P5',
            description: 'Troca: botijão de 5 kg, para fogareiro e camping.',
            cylinderType: 'P5',
            saleType: 'REFILL_EXCHANGE',
            priceAmount: 6_900,
            stockQuantity: 25,
            lowStockThreshold: 5,
          },
        ],
      },
      {
        name: 'Gás Paulista Moema',
        address: {
          street: 'Avenida Ibirapuera',
          number: '2000',
          district: 'Moema',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '04028001',
          latitude: -23.601,
          longitude: -46.666,
        },
        // The circle, narrowed to the north side of the Marginal Pinheiros: the store does not cross the river.
        deliveryArea: {
          radiusKm: 5,
          polygon: [
            { latitude: -23.555, longitude: -46.7 },
            { latitude: -23.555, longitude: -46.62 },
            { latitude: -23.645, longitude: -46.62 },
            { latitude: -23.645, longitude: -46.69 },
          ],
        },
        openingHours: neighbourhoodHours,
        exceptions: holidays,
        resellerType: 'BRANDED',
        brand: 'Ultragaz',
        minimumOrderAmount: 10_000,
        deliveryFee: { baseAmount: 0, perKmAmount: 200, freeAboveAmount: null },
        preparationMinutes: 15,
        autoAccept: true,
        products: [
          {
            name: 'Botijão P13 (troca) Moema',
            description: 'Troca do botijão de cozinha, 13 kg.',
            cylinderType: 'P13',
            saleType: 'REFILL_EXCHANGE',
            priceAmount: 11_900,
            stockQuantity: 40,
            lowStockThreshold: 8,
          },
          {
            name: 'Botijão P13 completo Moema',
            description: 'Gás e vasilhame novo, 13 kg.',
            cylinderType: 'P13',
            saleType: 'FULL_WITH_CYLINDER',
            priceAmount: 31_500,
            stockQuantity: 10,
            lowStockThreshold: 2,
          },
        ],
      },
    ],
  },
  {
    email: 'pinheiros@demo.gasrapido.com.br',
    phone: '+5511990000012',
    name: 'Botijão Express Pinheiros',
    stores: [
      {
        name: 'Botijão Express Pinheiros (24 horas)',
        address: {
          street: 'Rua dos Pinheiros',
          number: '800',
          district: 'Pinheiros',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '05422001',
          latitude: -23.566,
          longitude: -46.685,
        },
        deliveryArea: { radiusKm: 8 },
        openingHours: aroundTheClock,
        resellerType: 'INDEPENDENT',
        minimumOrderAmount: 0,
        deliveryFee: { baseAmount: 700, perKmAmount: 100, freeAboveAmount: 20_000 },
        preparationMinutes: 5,
        // The store answers each order itself: the demo's orders show the store accepting.
        autoAccept: false,
        products: [
          {
            name: 'Gás de cozinha P13 (botijão)',
            description: 'Troca, Liquigás. Entrega em até 40 minutos em Pinheiros e região.',
            cylinderType: 'P13',
            saleType: 'REFILL_EXCHANGE',
            brand: 'Liquigás',
            priceAmount: 10_990,
            stockQuantity: 80,
            lowStockThreshold: 15,
          },
          {
            name: 'Gás de cozinha P13 Ultragaz (troca)',
            description: 'Troca, Ultragaz, 13 kg.',
            cylinderType: 'P13',
            saleType: 'REFILL_EXCHANGE',
            brand: 'Ultragaz',
            priceAmount: 11_290,
            stockQuantity: 30,
            lowStockThreshold: 5,
          },
          {
            name: 'Gás P13 completo Liquigás',
            description: 'Gás e vasilhame novo, 13 kg.',
            cylinderType: 'P13',
            saleType: 'FULL_WITH_CYLINDER',
            brand: 'Liquigás',
            priceAmount: 29_900,
            stockQuantity: 12,
            lowStockThreshold: 2,
          },
          {
            name: 'Cilindro P20 para empilhadeira',
            description: 'Troca, gás para empilhadeiras, 20 kg.',
            cylinderType: 'P20',
            saleType: 'REFILL_EXCHANGE',
            brand: 'Liquigás',
            priceAmount: 19_900,
            stockQuantity: 8,
            lowStockThreshold: 2,
          },
        ],
      },
      {
        name: 'Botijão Express Lapa',
        address: {
          street: 'Rua Guaicurus',
          number: '500',
          district: 'Lapa',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '05033000',
          latitude: -23.525,
          longitude: -46.7,
        },
        deliveryArea: { radiusKm: 4 },
        openingHours: days(1, 5, '08:00', '18:00'),
        resellerType: 'INDEPENDENT',
        minimumOrderAmount: 0,
        deliveryFee: { baseAmount: 600, perKmAmount: 120, freeAboveAmount: null },
        preparationMinutes: 10,
        autoAccept: true,
        products: [
          {
            name: 'Botijão P13 Nacional Gás (troca)',
            description: 'Troca, Nacional Gás, 13 kg.',
            cylinderType: 'P13',
            saleType: 'REFILL_EXCHANGE',
            brand: 'Nacional Gás',
            priceAmount: 10_500,
            stockQuantity: 20,
            lowStockThreshold: 4,
          },
        ],
      },
    ],
  },
];

/** The store the demo customer's orders go to: open around the clock, so the seed works at any hour. */
export const demoOrderStore = { supplier: 1, store: 0, product: 0 } as const;

export interface DemoCourier extends DemoPerson {
  /** A car may not carry LPG cylinders (COURIERS_VEHICLE_CYLINDER_CLASSES). */
  vehicleType: 'MOTORCYCLE' | 'PICKUP';
  vehiclePlate: string;
  /** How many of each class the vehicle carries at once: a motorcycle with a sidecar takes P13 only. */
  capacity: ReadonlyArray<{ cylinderType: 'P5' | 'P13' | 'P20' | 'P45'; quantity: number }>;
  /** The supplier (by index in demoSuppliers) whose own courier this is: its orders are offered to them first. */
  fleetOf?: number;
}

export const demoCouriers: readonly DemoCourier[] = [
  {
    email: 'carlos.entregador@demo.gasrapido.com.br',
    phone: '+5511990000021',
    name: 'Carlos Entregador',
    vehicleType: 'MOTORCYCLE',
    vehiclePlate: 'GAS2R26',
    capacity: [{ cylinderType: 'P13', quantity: 2 }],
    fleetOf: 1,
  },
  {
    email: 'joana.motorista@demo.gasrapido.com.br',
    phone: '+5511990000022',
    name: 'Joana Motorista',
    vehicleType: 'PICKUP',
    vehiclePlate: 'BRA2E19',
    capacity: [
      { cylinderType: 'P5', quantity: 12 },
      { cylinderType: 'P13', quantity: 10 },
      { cylinderType: 'P20', quantity: 6 },
      { cylinderType: 'P45', quantity: 3 },
    ],
  },
];

/** Centro, São Paulo: the couriers' service area is 25 km around it. */
export const saoPauloCentre = { latitude: -23.5505, longitude: -46.6333, radiusKm: 25 };

export const demoCustomer: DemoPerson = { email: 'maria.cliente@demo.gasrapido.com.br', phone: '+5511990000031', name: 'Maria Cliente' };

/** Rua Augusta, Consolação: the customer's saved address “Casa”. */
export const demoDeliveryAddress = {
  street: 'Rua Augusta',
  number: '1500',
  complement: 'Apto 42',
  district: 'Consolação',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01304-001',
  latitude: -23.5587,
  longitude: -46.6603,
  deliveryNotes: 'Portão azul; deixar com o porteiro se ninguém atender',
};
export const DEMO_ADDRESS_LABEL = 'Casa';

/**
 * One order in each state an order can be in, created in this order (deliveries first, so couriers
 * are free). The one AWAITING_ACCEPTANCE waits for the Pinheiros store to answer; unanswered, it is
 * cancelled after ORDERS_ACCEPTANCE_TIMEOUT_MINUTES (a second seed makes another).
 */
export const demoOrderStates = ['DELIVERED', 'IN_TRANSIT', 'CONFIRMED', 'AWAITING_ACCEPTANCE', 'PENDING_PAYMENT', 'CANCELLED'] as const;
export type DemoOrderState = (typeof demoOrderStates)[number];

/** The sandbox provider's card token that always succeeds (docs/payments.md). */
export const SANDBOX_CARD_TOKEN = 'tok_success';

/** A tiny valid PDF: the verification service checks the file's magic bytes. */
export const DEMO_DOCUMENT = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
