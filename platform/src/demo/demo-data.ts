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

export interface DemoProduct {
  name: string;
  description: string;
  cylinderType: 'P5' | 'P13' | 'P20' | 'P45';
  priceAmount: number;
  stockQuantity: number;
  lowStockThreshold: number;
}

export interface DemoSupplier extends DemoPerson {
  products: readonly DemoProduct[];
}

export const demoSuppliers: readonly DemoSupplier[] = [
  {
    email: 'vila-mariana@demo.gasrapido.com.br',
    phone: '+5511990000011',
    name: 'Gás Paulista Vila Mariana',
    products: [
      {
        name: 'Botijão de gás P13',
        description: 'O botijão de cozinha, 13 kg, com entrega e instalação.',
        cylinderType: 'P13',
        priceAmount: 11_500,
        stockQuantity: 60,
        lowStockThreshold: 10,
      },
      {
        name: 'Botijão de gás P45',
        description: 'Cilindro de 45 kg para comércio e condomínios.',
        cylinderType: 'P45',
        priceAmount: 42_000,
        stockQuantity: 12,
        lowStockThreshold: 3,
      },
      {
        name: 'Botijão de gás P5',
        description: 'Botijão de 5 kg, para fogareiro e camping.',
        cylinderType: 'P5',
        priceAmount: 6_900,
        stockQuantity: 25,
        lowStockThreshold: 5,
      },
    ],
  },
  {
    email: 'pinheiros@demo.gasrapido.com.br',
    phone: '+5511990000012',
    name: 'Botijão Express Pinheiros',
    products: [
      {
        name: 'Gás de cozinha P13 (botijão)',
        description: 'Entrega em até 40 minutos em Pinheiros e região.',
        cylinderType: 'P13',
        priceAmount: 10_990,
        stockQuantity: 80,
        lowStockThreshold: 15,
      },
      {
        name: 'Cilindro P20 para empilhadeira',
        description: 'Gás para empilhadeiras, 20 kg.',
        cylinderType: 'P20',
        priceAmount: 19_900,
        stockQuantity: 8,
        lowStockThreshold: 2,
      },
    ],
  },
];

export interface DemoCourier extends DemoPerson {
  /** A car may not carry LPG cylinders (COURIERS_VEHICLE_CYLINDER_CLASSES). */
  vehicleType: 'MOTORCYCLE' | 'PICKUP';
  vehiclePlate: string;
  capacityCylinders: number;
}

export const demoCouriers: readonly DemoCourier[] = [
  {
    email: 'carlos.entregador@demo.gasrapido.com.br',
    phone: '+5511990000021',
    name: 'Carlos Entregador',
    vehicleType: 'MOTORCYCLE',
    vehiclePlate: 'GAS2R26',
    capacityCylinders: 2,
  },
  {
    email: 'joana.motorista@demo.gasrapido.com.br',
    phone: '+5511990000022',
    name: 'Joana Motorista',
    vehicleType: 'PICKUP',
    vehiclePlate: 'BRA2E19',
    capacityCylinders: 6,
  },
];

/** Centro, São Paulo: the couriers' service area is 25 km around it. */
export const saoPauloCentre = { latitude: -23.5505, longitude: -46.6333, radiusKm: 25 };

export const demoCustomer: DemoPerson = { email: 'maria.cliente@demo.gasrapido.com.br', phone: '+5511990000031', name: 'Maria Cliente' };

/** Rua Augusta, Consolação. */
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
  notes: 'Portão azul; deixar com o porteiro se ninguém atender',
};

/** One order in each state an order can be in, created in this order (deliveries first, so couriers are free). */
export const demoOrderStates = ['DELIVERED', 'IN_TRANSIT', 'CONFIRMED', 'PENDING_PAYMENT', 'CANCELLED'] as const;
export type DemoOrderState = (typeof demoOrderStates)[number];

/** The sandbox provider's card token that always succeeds (docs/payments.md). */
export const SANDBOX_CARD_TOKEN = 'tok_success';

/** A tiny valid PDF: the verification service checks the file's magic bytes. */
export const DEMO_DOCUMENT = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
