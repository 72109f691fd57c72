// nginx 1.22: the access log is one log_format (combined), so every access line is one template whatever its
// method, status or agent. Error-log templates are ngx_log_error() formats; the `date [level] pid#tid: *conn`
// header is stripped. An errno nginx appends (` (104: Connection reset by peer)`) makes a template of its own.
export default {
  program: 'nginx',
  header: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: (?:\*\d+ )?/,
  templates: [
    '<*> - <*> [<**>] "<**>" <*> <*> "<**>" "<**>"',
    'client <*> closed keepalive connection',
    'client <*> closed keepalive connection (104: Connection reset by peer)',
    'connect() failed (111: Connection refused) while connecting to upstream, client: <*>, server: <*>, request: "<**>", upstream: "<*>", host: "<*>"',
    'access forbidden by rule, client: <*>, server: <*>, request: "<**>", host: "<*>"',
    'directory index of <*> is forbidden, client: <*>, server: <*>, request: "<**>", host: "<*>"',
    'client sent invalid method while reading client request line, client: <*>, server: <*>, request: "<**>"',
    'client sent invalid request while reading client request line, client: <*>, server: <*>, request: "<**>"',
    'client intended to send too large body: <*> bytes, client: <*>, server: <*>, request: "<**>", host: "<*>"',
    'client closed connection while waiting for request, client: <*>, server: <*>',
    'exit',
    'worker process <*> exited with code <*>',
    'using the <*> event method',
    'start worker processes',
    'start worker process <*>',
    'signal <*> (<*>) received from <*><**>',
    'signal <*> (<*>) received',
    'gracefully shutting down',
    'exiting',
    'reconfiguring',
    'nginx/<*>',
    'getrlimit(RLIMIT_NOFILE): <*>',
    'OS: <**>',
  ],
};
