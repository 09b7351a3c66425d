"""Split roles over Redis: one ``engine`` process trades and stores, any number of ``web`` replicas serve pages,
REST and WebSockets (``ORACLE_ROLE``).

* :mod:`.stream`: the engine appends every event, after its database commit, to a Redis stream whose entry ids are
  the event ids; each web replica follows the stream into its own bus. Either side fills a gap from the database.
* :mod:`.rpc`: a web replica's commands run on the engine (request with a correlation id, reply, timeout); what a
  web replica publishes itself (audit, connections) is handed to the engine, which publishes it for everyone.
* :mod:`.lease`: exactly one engine trades: a Redis key with an expiry that the holder renews.
* :mod:`.roles`: wires these into a :class:`~oracle_ui.system.System` for its role.
"""
