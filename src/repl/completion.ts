/** Names for Tab at the TypeScript prompt: declared names, and the members of a value. */

/** Names declared at the top level of the input so far. */
export function declaredNames(source: string): string[] {
  const names: string[] = [];
  const re = /(?:^|[;\n])\s*(?:export\s+)?(?:const|let|var|function\*?|class|async\s+function)\s+([A-Za-z_$][\w$]*)/g;
  for (const m of source.matchAll(re)) if (m[1]) names.push(m[1]);
  return names;
}

const NOISE = new Set(['constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', '__proto__']);

/** Own and inherited member names, without Object.prototype, private-looking or symbol keys. */
export function memberNames(target: unknown): string[] {
  const names = new Set<string>();
  let obj: unknown = typeof target === 'object' || typeof target === 'function' ? target : Object(target);
  while (obj && obj !== Object.prototype && obj !== Function.prototype) {
    // Objects from the REPL's realm have their own Object.prototype.
    if (Object.getPrototypeOf(obj) === null && Object.prototype.hasOwnProperty.call(obj, 'hasOwnProperty')) break;
    for (const name of Object.getOwnPropertyNames(obj)) {
      if (!NOISE.has(name) && !name.startsWith('_')) names.add(name);
    }
    obj = Object.getPrototypeOf(obj);
  }
  return [...names].sort();
}
