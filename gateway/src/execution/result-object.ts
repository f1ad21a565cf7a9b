/**
 * The objects a response is built of. Data keys are response names, which a
 * client chooses (aliases), so a key may be `constructor` or `__proto__`: the
 * objects must inherit nothing. `Object.create(null)` gives that, but V8 keeps
 * such objects in dictionary mode, slow to fill and to serialise; instances of
 * a class whose prototype is an empty, frozen, prototype-less object have fast
 * properties and still inherit nothing.
 */
export const ResultObject = function ResultObject(this: object) {} as unknown as new () => Record<string, unknown>;
ResultObject.prototype = Object.freeze(Object.create(null) as object) as Record<string, unknown>;

/** `object[key]` when `object` owns `key`; for names that Object.prototype also has. */
export function hasOwnValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
