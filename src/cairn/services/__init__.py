"""Use cases: the only layer the CLI, the API and the web pages call.

Each public function runs in one transaction and records an audit event for
every change it makes.
"""
