// Decorator syntax: runs on Deno and Bun only (Node's type stripping cannot
// parse decorators), as DESIGN.md's platform rules say.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AsyncPool,
  FixedPool,
  GrowingPool,
  type Pool,
  PoolConfigurationError,
  pooled,
  ThreadLocalPool,
  ThreadSafePool,
} from "../mod.ts";

describe("@pooled", () => {
  it("works as written in the seed example", () => {
    @pooled({ capacity: 1000, threadSafe: true })
    class Worker {
      declare static pool: Pool<Worker>;
    }
    assert.ok(Worker.pool instanceof ThreadSafePool);
    const worker = Worker.pool.get();
    assert.ok(worker instanceof Worker);
    assert.equal(Worker.pool.capacity, 1000);
    Worker.pool.release(worker);
    assert.equal(Worker.pool.inUse, 0);
    Worker.pool.close();
  });

  it("builds every pool kind from its flags", async () => {
    @pooled({ capacity: 2 })
    class Plain {
      declare static pool: Pool<Plain>;
    }
    @pooled({ capacity: 2, maxCapacity: 4 })
    class Growing {
      declare static pool: Pool<Growing>;
    }
    @pooled({ capacity: 2, threadLocal: true })
    class Local {
      declare static pool: Pool<Local>;
    }
    @pooled({ capacity: 2, async: true })
    class Conn {
      declare static pool: AsyncPool<Conn>;
    }
    assert.ok(Plain.pool instanceof FixedPool);
    assert.ok(Growing.pool instanceof GrowingPool);
    assert.ok(Local.pool instanceof ThreadLocalPool);
    assert.ok(Conn.pool instanceof AsyncPool);
    const conn = await Conn.pool.acquire();
    assert.ok(conn instanceof Conn);
    await Conn.pool.release(conn);
    await Conn.pool.close();
  });

  it("runs a reset method on release", () => {
    @pooled({ capacity: 4, reset: "clear", enableStatistics: true })
    class Buffer {
      declare static pool: Pool<Buffer>;
      length = 0;
      clear(): void {
        this.length = 0;
      }
    }
    const buffer = Buffer.pool.acquire();
    buffer.length = 12;
    Buffer.pool.release(buffer);
    assert.equal(buffer.length, 0);
    assert.equal(Buffer.pool.stats().totalResets, 1);
  });

  it("throws PoolConfigurationError when both thread flags are set", () => {
    assert.throws(
      () => {
        @pooled({ capacity: 4, threadSafe: true, threadLocal: true })
        class Both {
          declare static pool: Pool<Both>;
        }
        return Both;
      },
      (error: unknown) =>
        error instanceof PoolConfigurationError &&
        /threadSafe and threadLocal/.test(error.message),
    );
  });
});
