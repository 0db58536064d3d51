"""Bytes in, Article records out: files, uploads and pasted text."""
