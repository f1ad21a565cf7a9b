/**
 * A Pix "copia e cola" code in the BR Code layout (EMV merchant-presented QR:
 * tag, two-digit length, value; CRC16-CCITT last), so client apps can test
 * their copy and QR rendering against something shaped like the real thing.
 * The key and merchant are the sandbox's; no bank will accept it.
 */
const SANDBOX_PIX_KEY = 'pagamentos@sandbox.gasrapido.example';

const field = (tag: string, value: string) => `${tag}${String(value.length).padStart(2, '0')}${value}`;

function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** The code for a charge of `amount` centavos identified by `reference`. */
export function pixCopyAndPasteCode(amount: number, reference: string): string {
  const transactionId = reference.replace(/[^A-Za-z0-9]/g, '').slice(0, 25);
  const payload =
    field('00', '01') +
    field('26', field('00', 'br.gov.bcb.pix') + field('01', SANDBOX_PIX_KEY)) +
    field('52', '0000') +
    field('53', '986') +
    field('54', `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`) +
    field('58', 'BR') +
    field('59', 'GASRAPIDO SANDBOX') +
    field('60', 'SAO PAULO') +
    field('62', field('05', transactionId)) +
    '6304';
  return payload + crc16(payload);
}
