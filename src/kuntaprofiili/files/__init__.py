"""What reads and writes files: bundled resources, safe I/O, drafts, loaders and exports."""
