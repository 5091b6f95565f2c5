#!/usr/bin/python3
"""What a page fault costs on this machine: the price of every fresh page sluice's buffers and PostgreSQL's
backends touch (a backend maps each page of shared_buffers it uses with a fault of its own).

usage: scripts/bench/page_fault_cost.py [MiB]   (default 256)

Prints microseconds per 4 KiB page for: the first touch of anonymous shared memory (the kernel zero-fills it), a
forked child's first touch of the same, already filled, pages (a backend mapping shared_buffers), the child's
second touch (no fault), and writing a whole page that is already mapped (what zeroing costs without the fault).
Python adds ~0.1 us per page to each figure. Not part of `make test`.
"""
import mmap
import os
import sys
import time

PAGE = mmap.PAGESIZE


def touch(memory, size):
    """Microseconds per page to write one byte in each page."""
    start = time.perf_counter()
    for offset in range(0, size, PAGE):
        memory[offset] = 1
    return (time.perf_counter() - start) / (size // PAGE) * 1e6


def main():
    size = (int(sys.argv[1]) if len(sys.argv) > 1 else 256) << 20
    shared = mmap.mmap(-1, size, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    print(f"first touch, zero-filled:        {touch(shared, size):7.2f} us/page")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        mapped = touch(shared, size)
        again = touch(shared, size)
        os.write(write_end, f"{mapped} {again}".encode())
        os._exit(0)
    os.close(write_end)
    mapped, again = (float(x) for x in os.read(read_end, 100).split())
    os.waitpid(child, 0)
    print(f"child, existing shared page:     {mapped:7.2f} us/page")
    print(f"child, second touch (no fault):  {again:7.2f} us/page")
    zeros = bytes(PAGE)
    start = time.perf_counter()
    for offset in range(0, size, PAGE):
        shared[offset:offset + PAGE] = zeros
    print(f"write a mapped page whole:       {(time.perf_counter() - start) / (size // PAGE) * 1e6:7.2f} us/page")


if __name__ == "__main__":
    main()
