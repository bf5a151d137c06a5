/** `object[name]` when it is the object's own property, else `undefined`: never the prototype's (a polluted one). */
export function ownValue<T extends object, K extends keyof T>(object: T, name: K): T[K] | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
