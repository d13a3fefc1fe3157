"""Benefits realisation (nyttorealisering): benefits of a need or a process, measured and followed up."""
