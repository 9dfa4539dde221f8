"""The `faqbot` command line."""
