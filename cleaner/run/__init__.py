"""Running the pipeline over many documents: folders, JSONL streams, worker processes, Dask."""
