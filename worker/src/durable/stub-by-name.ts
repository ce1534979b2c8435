/**
 * A Durable Object's stub by its name, the one way the stub modules (shop-object-stub.ts,
 * team-room-stub.ts, webhook-sender-stub.ts) reach an object. The name's id is remembered per
 * isolate: `idFromName` hashes the name on every call, and the click path asks for the same shop
 * objects all day. Only ids are kept, never stubs: a stub belongs to the request that made it, and
 * one that saw an error must not be reused.
 *
 * @example
 * return stubByName(env.SHOP_OBJECT, shopId);
 */
const ids = new WeakMap<object, Map<string, DurableObjectId>>();
/** ids remembered per namespace; past this the map starts again */
const MAX_IDS = 10_000;

export function stubByName<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  name: string,
): DurableObjectStub<T> {
  let byName = ids.get(namespace);
  if (!byName) ids.set(namespace, (byName = new Map()));
  let id = byName.get(name);
  if (!id) {
    if (byName.size >= MAX_IDS) byName.clear();
    id = namespace.idFromName(name);
    byName.set(name, id);
  }
  return namespace.get(id);
}
