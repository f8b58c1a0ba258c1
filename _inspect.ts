/**
 * {@linkcode hookInspect}: gives a class readable `console.log` output on
 * Node, Bun and Deno without a top-level side effect. Private to the library.
 *
 * Their inspect hooks are methods keyed by `Symbol.for(...)`. Declared in a
 * class body, such computed keys make bundlers keep the class (and its module)
 * even when nothing uses it, since they cannot tell that `Symbol.for` is pure.
 * Installed from the constructor, once per class, they cost an unused module
 * nothing and a used one a single well-predicted branch per construction:
 *
 * ```ts ignore
 * let inspectable = false;
 * class Thing {
 *   constructor() {
 *     if (!inspectable) inspectable = hookInspect(Thing.prototype, (t: Thing) => t.#describe());
 *   }
 * }
 * ```
 *
 * @module
 */

/**
 * Makes `console.log` of an instance print `describe(instance)`.
 *
 * @typeParam T The instances' type.
 * @param prototype The class's prototype.
 * @param describe The one-line description of an instance.
 * @returns `true`, for the caller's once-only flag.
 */
export function hookInspect<T>(
  prototype: object,
  describe: (self: T) => string,
): true {
  const keys = [
    Symbol.for("nodejs.util.inspect.custom"),
    Symbol.for("Deno.customInspect"),
  ];
  for (const key of keys) {
    Object.defineProperty(prototype, key, {
      value(this: T): string {
        return describe(this);
      },
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  return true;
}
