/** A few São Paulo CEPs and a point on their street, for the fixture geocoder (tests, demo, local runs). */
export const cepFixture: Readonly<Record<string, { latitude: number; longitude: number }>> = {
  '01310100': { latitude: -23.5614, longitude: -46.6559 },
  '01310200': { latitude: -23.5631, longitude: -46.6544 },
  '01311000': { latitude: -23.5679, longitude: -46.6484 },
  '01305000': { latitude: -23.5546, longitude: -46.6594 },
  '01414000': { latitude: -23.5622, longitude: -46.6689 },
  '01001000': { latitude: -23.5503, longitude: -46.634 },
  '04538132': { latitude: -23.5868, longitude: -46.6825 },
  '05407002': { latitude: -23.5557, longitude: -46.6853 },
  '04094050': { latitude: -23.5874, longitude: -46.6576 },
  '03164000': { latitude: -23.5568, longitude: -46.5992 },
  '02011000': { latitude: -23.5087, longitude: -46.6253 },
  '08210000': { latitude: -23.5413, longitude: -46.472 },
};
