"""Rows as requests: columns found by their headers, phone numbers and messages checked,
every sheet row a request or a problem before any call."""
