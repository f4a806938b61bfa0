# Sourced by the bench scripts: how fast this machine's processor runs just now. On a virtual
# machine the host's other guests take a share that comes and goes: on the development machine the
# same fixed loop took 0.47 s in one hour and 0.74 s in the next, and every time a run measures
# moves with it. The comparisons interleave their rounds for that reason; this figure says whether
# a run's own times came from a fast hour or a slow one.
cpu_loop_seconds() { # the seconds a fixed loop of three million additions takes in python3
  python3 -c 'import time
t = time.perf_counter()
s = 0
for i in range(3_000_000):
    s += i
print(f"{time.perf_counter() - t:.2f}")'
}
