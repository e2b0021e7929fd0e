"""Operations: health and readiness, Prometheus metrics, structured logs with a request id, storage integrity
check, backup and restore. The other apps plug in here (their metric collectors, file sources, queues); this
package imports none of them (docs/operations.md)."""
