/// A free list of reusable objects for one thread: after warm-up, `acquire` hands back an
/// object made earlier instead of allocating. The pool never grows past `limit` kept objects.
public final class ObjectPool<Object: AnyObject> {
    private var free: [Object]
    private let make: () -> Object
    public let limit: Int
    public private(set) var createdCount = 0

    public init(limit: Int, make: @escaping () -> Object) {
        self.limit = limit
        self.make = make
        self.free = []
        self.free.reserveCapacity(limit)
    }

    public func acquire() -> Object {
        if let object = free.popLast() { return object }
        createdCount += 1
        return make()
    }

    /// Returns an object for reuse; beyond `limit` it is simply dropped.
    public func release(_ object: Object) {
        if free.count < limit { free.append(object) }
    }

    public var idleCount: Int { free.count }
}
