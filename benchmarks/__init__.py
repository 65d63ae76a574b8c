"""synth's benchmarks: `python -m benchmarks [extraction|embeddings|clustering|ingest|score ...]`."""
