/**
 * The largest amount a payment or refund may have, in minor units: what a
 * GraphQL Int and a PostgreSQL integer both hold (R$ 21.474.836,47).
 */
export const MAX_AMOUNT = 2_147_483_647;

export const isValidAmount = (amount: number) => Number.isSafeInteger(amount) && amount >= 1 && amount <= MAX_AMOUNT;
