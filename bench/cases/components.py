"""Connected components of an edge list with python-igraph, the peer of fraudwall's relink.

    bench/.venv/bin/python bench/cases/components.py EDGES VERTICES

EDGES is a text file of "a b" lines (vertex numbers from 0), as `relink --edges` writes it.
Prints the time to read the graph, the time of the components and their count and the peak
resident memory.
"""

import resource
import sys
import time

import igraph


def main():
    path, vertices = sys.argv[1], int(sys.argv[2])
    started = time.perf_counter()
    graph = igraph.Graph.Read_Edgelist(path, directed=False)
    if graph.vcount() < vertices:
        graph.add_vertices(vertices - graph.vcount())
    read = time.perf_counter() - started
    started = time.perf_counter()
    components = graph.connected_components()
    found = time.perf_counter() - started
    sizes = components.sizes()
    linked = sum(s for s in sizes if s > 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"igraph {igraph.__version__}: read {graph.ecount()} edges over {graph.vcount()} "
        f"vertices in {read:.1f} s; connected components in {found:.1f} s; "
        f"{len(sizes)} clusters; {linked} cases in clusters of two or more; "
        f"largest {max(sizes)}; peak resident {peak:.2f} GiB"
    )


if __name__ == "__main__":
    main()
