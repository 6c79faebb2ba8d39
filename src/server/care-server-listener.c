/* care-server-listener.c: accepts the server's connections within limits and time-outs.
 *
 * Why the server accepts connections itself instead of letting libsoup
 * listen (soup_server_listen()):
 *  - libsoup 3.2's listener removes its accept watch the first time
 *    accept() fails, so one moment out of descriptors (EMFILE) left the
 *    server running but deaf for good. Here a failed accept() pauses
 *    accepting for a moment and tries again.
 *  - its backlog is GLib's default of 10, so a burst of clients got
 *    connection resets; here it is SOMAXCONN.
 *  - it accepts without limit and has no time-outs at all. Here the
 *    connections open at once are capped well below the descriptor limit
 *    (raised to the hard limit at start), and per client address; a
 *    connection must send its request headers within the header time-out
 *    and may not stall or sit idle longer than the idle time-out.
 *  - it reads a request body to its end whatever its size; a request
 *    refused after its headers (care_server_listener_refuse()) is answered
 *    here, then the connection is closed after a bounded lingering read.
 * Each accepted connection (TLS handshake done) is handed to libsoup with
 * soup_server_accept_iostream(), which then parses HTTP as before; the
 * listener follows each request through its signals to know which
 * time-out applies.
 *
 * One quirk of libsoup 3.2: it keeps a connection alive after a response
 * only while the server has a listener of its own (request_finished() in
 * soup-server.c). So the SoupServer is given a "listener" that can never
 * accept anything: one end of a socket pair whose other end is kept here
 * and never written. test-hostile checks that keep-alive still works. */
#define G_LOG_DOMAIN "care-server"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "care-server-listener.h"

/* How often deadlines are checked, and how long accepting pauses after
 * accept() failed (out of descriptors, out of memory). */
#define SWEEP_INTERVAL_MS 250
#define ACCEPT_RETRY_MS   100
/* Connections accepted per wake-up, so a flood of connections does not
 * keep the main loop from serving the ones already open. */
#define ACCEPT_BATCH 32
/* After refusing a request, the rest of its body is read and dropped for
 * at most this long and this much, so that the client sees the answer
 * rather than a reset; then the connection is closed. */
#define LINGER_USEC  (2 * G_USEC_PER_SEC)
#define LINGER_BYTES (1024 * 1024)
#define LINGER_CHUNK 16384
/* Descriptors kept for everything but connections: the database and its
 * journal, the listening sockets, standard streams, GLib's wake-ups. */
#define RESERVED_DESCRIPTORS 64

typedef enum
{
  CONN_HANDSHAKE, /* TLS handshake */
  CONN_HEADERS,   /* reading a request's headers */
  CONN_BODY,      /* reading a request body */
  CONN_HANDLING,  /* a handler has the request; nothing is read or written */
  CONN_WRITING,   /* writing the response */
  CONN_IDLE,      /* waiting for the next request */
  CONN_REFUSING,  /* stolen from libsoup: answering a refusal, then closing */
} ConnState;

typedef struct _CareServerListener CareServerListener;

typedef struct
{
  CareServerListener *self;   /* borrowed; NULL once the listener is gone */
  GSocket            *socket; /* owned: to shut the connection down */
  GSocketAddress     *remote; /* owned: also the key that finds a message's connection */
  char               *client; /* the remote IP address */
  GIOStream          *stream; /* weak: what libsoup got; its end is the connection's */
  GIOStream          *held;   /* owned: during the TLS handshake, and while refusing */
  GCancellable       *cancellable;
  ConnState           state;
  gint64              deadline; /* monotonic µs, 0 for none */
  gint64              idle_since;
  gint64              linger_until;
  gsize               lingered;
  gboolean            trusted; /* a trusted proxy: no per-client cap */
  char               *answer;  /* a refusal being written */
  guchar             *buffer;  /* for the lingering read after a refusal */
} Conn;

struct _CareServerListener
{
  GObject parent_instance;

  /* Borrowed references */
  SoupServer *soup;

  /* Owned references */
  GTlsCertificate *certificate;
  GSocket         *socket;        /* listening */
  GSocket         *keepalive[2];  /* the never-accepting listener given to libsoup, and its peer */
  GSource         *accept_source; /* NULL while accepting is paused */
  GHashTable      *conns;         /* GSocketAddress * (Conn.remote) -> Conn * */
  GHashTable      *per_client;    /* client address -> number of connections */
  GStrv            trusted_proxies;

  CareServerLimits limits;
  guint            max_connections; /* limits.max_connections within the descriptor limit */
  guint            retry_id;
  guint            sweep_id;
  gboolean         accept_failing;
  gboolean         closed;
  gboolean         stopping; /* no longer accepting: connections close once idle */
};

G_DEFINE_FINAL_TYPE (CareServerListener, care_server_listener, G_TYPE_OBJECT)

static void resume_accepting (CareServerListener *self);

void
care_server_limits_init (CareServerLimits *limits)
{
  limits->max_connections = CARE_SERVER_DEFAULT_MAX_CONNECTIONS;
  limits->max_connections_per_client = CARE_SERVER_DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
  limits->header_timeout = CARE_SERVER_DEFAULT_HEADER_TIMEOUT;
  limits->idle_timeout = CARE_SERVER_DEFAULT_IDLE_TIMEOUT;
}

/* Connections */

static Conn *
conn_ref (Conn *conn)
{
  return g_rc_box_acquire (conn);
}

static void
conn_clear (gpointer data)
{
  Conn *conn = data;

  g_clear_object (&conn->socket);
  g_clear_object (&conn->remote);
  g_free (conn->client);
  g_clear_object (&conn->held);
  g_clear_object (&conn->cancellable);
  g_free (conn->answer);
  g_free (conn->buffer);
}

static void
conn_unref (Conn *conn)
{
  g_rc_box_release_full (conn, conn_clear);
}

static gint64
seconds_from_now (guint seconds)
{
  return g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

static void
conn_set_state (Conn *conn, ConnState state)
{
  CareServerListener *self = conn->self;

  if (conn->state == CONN_REFUSING || self == NULL)
    return;

  conn->state = state;
  switch (state)
    {
    case CONN_HANDSHAKE:
    case CONN_HEADERS:
      conn->deadline = seconds_from_now (self->limits.header_timeout);
      break;
    case CONN_HANDLING:
      conn->deadline = 0;
      break;
    case CONN_IDLE:
      conn->idle_since = g_get_monotonic_time ();
      conn->deadline = seconds_from_now (self->limits.idle_timeout);
      break;
    case CONN_BODY:
    case CONN_WRITING:
    case CONN_REFUSING:
    default:
      conn->deadline = seconds_from_now (self->limits.idle_timeout);
      break;
    }
}

/* Ends a connection: shutting the socket down wakes whoever waits on it
 * (libsoup, a handshake, a refusal) with an error or end of file, and
 * they close it, which frees its descriptor and its slot. */
static void
conn_shut_down (Conn *conn, const char *why)
{
  g_debug ("Closing the connection from %s: %s", conn->client, why);
  conn->deadline = 0;
  g_cancellable_cancel (conn->cancellable);
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

/* The stream libsoup had is gone: the connection is closed. */
static void
conn_stream_gone_cb (gpointer user_data, GObject *where_the_object_was)
{
  Conn               *conn = user_data;
  CareServerListener *self = conn->self;
  guint               n;

  conn->stream = NULL;
  if (self != NULL)
    {
      n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_client, conn->client));
      if (n <= 1)
        g_hash_table_remove (self->per_client, conn->client);
      else
        g_hash_table_insert (self->per_client, g_strdup (conn->client), GUINT_TO_POINTER (n - 1));

      conn->self = NULL;
      g_hash_table_remove (self->conns, conn->remote); /* drops the table's reference */
      resume_accepting (self);
    }
}

static Conn *
lookup_conn (CareServerListener *self, SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_hash_table_lookup (self->conns, remote) : NULL;
}

/* Following requests: which time-out applies */

static void
got_headers_cb (SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = lookup_conn (user_data, msg);

  if (conn != NULL)
    conn_set_state (conn, CONN_BODY);
}

static void
got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  Conn *conn = lookup_conn (user_data, msg);

  /* Progress: the idle time-out starts again. */
  if (conn != NULL)
    conn_set_state (conn, CONN_BODY);
}

static void
got_body_cb (SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = lookup_conn (user_data, msg);

  if (conn != NULL)
    conn_set_state (conn, CONN_HANDLING);
}

static void
wrote_cb (SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = lookup_conn (user_data, msg);

  if (conn != NULL)
    conn_set_state (conn, CONN_WRITING);
}

static void
wrote_body_data_cb (SoupServerMessage *msg, guint chunk_size, gpointer user_data)
{
  wrote_cb (msg, user_data);
}

static void
finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  CareServerListener *self = user_data;
  Conn               *conn = lookup_conn (self, msg);

  if (conn == NULL)
    return;

  conn_set_state (conn, CONN_IDLE);
  /* Shutting down: the answer is out, the connection waits for nothing. */
  if (self->stopping)
    conn_shut_down (conn, "the server is shutting down");
}

/* libsoup starts a request when a connection is handed over and, on a
 * kept-alive connection, when the first bytes of the next request come:
 * from then on the headers must be in within the header time-out. */
static void
request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  CareServerListener *self = user_data;
  Conn               *conn = lookup_conn (self, msg);

  if (conn == NULL)
    return;

  /* After a TLS handshake, the headers are due when the handshake was. */
  if (conn->state == CONN_HANDSHAKE)
    conn->state = CONN_HEADERS;
  else
    conn_set_state (conn, CONN_HEADERS);
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
  g_signal_connect_object (msg, "got-body", G_CALLBACK (got_body_cb), self, 0);
  g_signal_connect_object (msg, "wrote-headers", G_CALLBACK (wrote_cb), self, 0);
  g_signal_connect_object (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), self, 0);
  g_signal_connect_object (msg, "finished", G_CALLBACK (finished_cb), self, 0);
}

/* Time-outs */

static gboolean
sweep_cb (gpointer user_data)
{
  CareServerListener *self = user_data;
  g_autoptr (GPtrArray) expired = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
  gint64         now = g_get_monotonic_time ();
  GHashTableIter iter;
  Conn          *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (conn->deadline != 0 && now >= conn->deadline)
      g_ptr_array_add (expired, conn_ref (conn));

  for (guint i = 0; i < expired->len; i++)
    {
      conn = g_ptr_array_index (expired, i);
      conn_shut_down (conn, conn->state == CONN_HEADERS || conn->state == CONN_HANDSHAKE
                                ? "no request headers within the header time-out"
                                : "idle or stalled for the idle time-out");
    }

  if (g_hash_table_size (self->conns) > 0)
    return G_SOURCE_CONTINUE;

  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

/* At the cap, the connection idle the longest makes room: a kept-alive
 * connection nobody uses should not keep a new client waiting. */
static void
reap_idle (CareServerListener *self)
{
  GHashTableIter iter;
  Conn          *conn, *oldest = NULL;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (conn->state == CONN_IDLE && conn->deadline != 0 &&
        (oldest == NULL || conn->idle_since < oldest->idle_since))
      oldest = conn;

  if (oldest != NULL)
    conn_shut_down (oldest, "idle, and the server is at its connection limit");
}

/* Accepting */

static void
hand_over (Conn *conn, GIOStream *stream)
{
  CareServerListener *self = conn->self;
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (conn->socket, NULL);
  g_autoptr (GError) error = NULL;

  if (self == NULL || local == NULL ||
      !soup_server_accept_iostream (self->soup, stream, local, conn->remote, &error))
    {
      g_debug ("Cannot serve the connection from %s: %s", conn->client,
               error != NULL ? error->message : "it is gone");
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
    }
}

static void
handshake_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  Conn *conn = user_data;
  g_autoptr (GIOStream) tls = g_steal_pointer (&conn->held);
  g_autoptr (GError) error = NULL;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source_object), result, &error))
    hand_over (conn, tls);
  else
    {
      g_debug ("TLS handshake with %s failed: %s", conn->client, error->message);
      g_io_stream_close (tls, NULL, NULL);
    }

  /* Dropping the last reference of a failed handshake closes the
   * connection (conn_stream_gone_cb). */
  g_clear_object (&tls);
  conn_unref (conn);
}

static gboolean
is_trusted_proxy (CareServerListener *self, const char *address)
{
  return self->trusted_proxies != NULL &&
         g_strv_contains ((const char *const *) self->trusted_proxies, address);
}

static void
accept_one (CareServerListener *self, GSocket *client)
{
  g_autoptr (GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr (GIOStream) base = NULL;
  g_autoptr (GIOStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  Conn            *conn;
  guint            n_client;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (client, NULL);
      return;
    }

  address =
      g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  n_client = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_client, address));
  if (n_client >= self->limits.max_connections_per_client && !is_trusted_proxy (self, address))
    {
      g_debug ("Refusing a connection from %s: it has %u open", address, n_client);
      g_socket_close (client, NULL);
      return;
    }

  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  base = G_IO_STREAM (g_socket_connection_factory_create_connection (client));

  if (self->certificate != NULL)
    {
      static const char *const protocols[] = { "http/1.1", "http/1.0", NULL };

      stream = G_IO_STREAM (g_tls_server_connection_new (base, self->certificate, &error));
      if (stream == NULL)
        {
          g_warning ("Cannot set up TLS: %s", error->message);
          g_io_stream_close (base, NULL, NULL);
          return;
        }
      g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (stream), FALSE);
      g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (stream), protocols);
    }
  else
    stream = g_object_ref (base);

  conn = g_rc_box_new0 (Conn);
  conn->self = self;
  conn->socket = g_object_ref (client);
  conn->remote = g_object_ref (remote);
  conn->client = g_steal_pointer (&address);
  conn->cancellable = g_cancellable_new ();
  conn->trusted = is_trusted_proxy (self, conn->client);
  conn->stream = stream;
  g_object_weak_ref (G_OBJECT (stream), conn_stream_gone_cb, conn);

  g_hash_table_insert (self->conns, conn->remote, conn);
  g_hash_table_insert (self->per_client, g_strdup (conn->client), GUINT_TO_POINTER (n_client + 1));
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add (SWEEP_INTERVAL_MS, sweep_cb, self);

  if (self->certificate != NULL)
    {
      conn_set_state (conn, CONN_HANDSHAKE);
      conn->held = g_object_ref (stream);
      g_tls_connection_handshake_async (G_TLS_CONNECTION (stream), G_PRIORITY_DEFAULT,
                                        conn->cancellable, handshake_cb, conn_ref (conn));
    }
  else
    {
      conn_set_state (conn, CONN_HEADERS);
      hand_over (conn, stream);
    }
}

static gboolean retry_accept_cb (gpointer user_data);

static void
pause_accepting (CareServerListener *self)
{
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
}

static gboolean
accept_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  CareServerListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr (GSocket) client = NULL;
      g_autoptr (GError) error = NULL;

      /* At the cap, new connections wait in the backlog until one closes. */
      if (g_hash_table_size (self->conns) >= self->max_connections)
        {
          reap_idle (self);
          g_clear_pointer (&self->accept_source, g_source_unref);
          return G_SOURCE_REMOVE;
        }

      client = g_socket_accept (self->socket, NULL, &error);
      if (client != NULL)
        {
          self->accept_failing = FALSE;
          accept_one (self, client);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      /* Out of descriptors or memory (or a connection aborted in the
       * backlog): not a reason to stop listening, as libsoup's listener
       * did. Try again shortly; the client waits in the backlog. Said
       * once per bout, not ten times a second. */
      if (!self->accept_failing)
        g_message ("Cannot accept a connection, trying again every %u ms: %s", ACCEPT_RETRY_MS,
                   error->message);
      self->accept_failing = TRUE;
      g_clear_pointer (&self->accept_source, g_source_unref);
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add (ACCEPT_RETRY_MS, retry_accept_cb, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
resume_accepting (CareServerListener *self)
{
  if (self->closed || self->socket == NULL || self->accept_source != NULL || self->retry_id != 0 ||
      g_hash_table_size (self->conns) >= self->max_connections)
    return;

  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_set_static_name (self->accept_source, "[aftercare] accept");
  g_source_attach (self->accept_source, NULL);
}

static gboolean
retry_accept_cb (gpointer user_data)
{
  CareServerListener *self = user_data;

  self->retry_id = 0;
  resume_accepting (self);
  return G_SOURCE_REMOVE;
}

/* Refusing a request after its headers */

static void
refusal_done (Conn *conn)
{
  g_autoptr (GIOStream) stream = g_steal_pointer (&conn->held);

  conn->deadline = 0;
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  /* Dropping the stolen stream lets the connection's stream go:
   * conn_stream_gone_cb frees the slot. */
}

static void
linger_read_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  Conn  *conn = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source_object), result, NULL);

  if (n > 0 && conn->held != NULL && conn->lingered + (gsize) n < LINGER_BYTES &&
      g_get_monotonic_time () < conn->linger_until)
    {
      conn->lingered += (gsize) n;
      g_input_stream_read_async (G_INPUT_STREAM (source_object), conn->buffer, LINGER_CHUNK,
                                 G_PRIORITY_DEFAULT, conn->cancellable, linger_read_cb, conn);
      return;
    }

  refusal_done (conn);
  conn_unref (conn);
}

static void
refusal_written_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  Conn *conn = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source_object), result, NULL, NULL) ||
      conn->held == NULL)
    {
      refusal_done (conn);
      conn_unref (conn);
      return;
    }

  /* The answer is out; say so with a FIN, then read what the client is
   * still sending for a moment, so that closing does not reset the
   * connection before the client read the answer. */
  g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  conn->linger_until = g_get_monotonic_time () + LINGER_USEC;
  conn->buffer = g_malloc (LINGER_CHUNK);
  g_input_stream_read_async (g_io_stream_get_input_stream (conn->held), conn->buffer, LINGER_CHUNK,
                             G_PRIORITY_DEFAULT, conn->cancellable, linger_read_cb, conn);
}

/* Public API */

static void
care_server_listener_dispose (GObject *object)
{
  CareServerListener *self = CARE_SERVER_LISTENER (object);

  care_server_listener_close (self);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (care_server_listener_parent_class)->dispose (object);
}

static void
care_server_listener_finalize (GObject *object)
{
  CareServerListener *self = CARE_SERVER_LISTENER (object);

  g_hash_table_unref (self->conns);
  g_hash_table_unref (self->per_client);
  g_strfreev (self->trusted_proxies);

  G_OBJECT_CLASS (care_server_listener_parent_class)->finalize (object);
}

static void
care_server_listener_class_init (CareServerListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = care_server_listener_dispose;
  object_class->finalize = care_server_listener_finalize;
}

static void
care_server_listener_init (CareServerListener *self)
{
  care_server_limits_init (&self->limits);
  self->max_connections = self->limits.max_connections;
  self->conns =
      g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) conn_unref);
  self->per_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CareServerListener *
care_server_listener_new (SoupServer *soup, GTlsCertificate *certificate)
{
  CareServerListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);

  self = g_object_new (CARE_TYPE_SERVER_LISTENER, NULL);
  self->soup = soup;
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  g_signal_connect_object (soup, "request-started", G_CALLBACK (request_started_cb), self, 0);

  return self;
}

void
care_server_listener_set_limits (CareServerListener *self, const CareServerLimits *limits)
{
  g_return_if_fail (CARE_IS_SERVER_LISTENER (self));

  self->limits = *limits;
  self->limits.max_connections = MAX (self->limits.max_connections, 1);
  self->limits.max_connections_per_client = MAX (self->limits.max_connections_per_client, 1);
  self->limits.header_timeout = MAX (self->limits.header_timeout, 1);
  self->limits.idle_timeout = MAX (self->limits.idle_timeout, 1);
  self->max_connections = self->limits.max_connections;
}

/* Requests from these addresses come through a reverse proxy: they are not
 * capped per client, and the client address is the proxy's
 * X-Forwarded-For. */
void
care_server_listener_set_trusted_proxies (CareServerListener *self, const char *const *addresses)
{
  g_return_if_fail (CARE_IS_SERVER_LISTENER (self));

  g_strfreev (self->trusted_proxies);
  self->trusted_proxies = g_strdupv ((char **) addresses);
}

/* Raises the soft descriptor limit to the hard one and returns it. */
static guint64
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;

  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < limit.rlim_max)
    {
      struct rlimit raised = limit;

      /* An unlimited hard limit would make a poll set of any size. */
      raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 65536 : limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }

  return limit.rlim_cur == RLIM_INFINITY ? 65536 : (guint64) limit.rlim_cur;
}

/**
 * care_server_listener_listen:
 * @address: an IP address and port (port 0 picks a free one)
 * @out_port: (out) (optional): the port listened on
 *
 * Listens on @address with a backlog of SOMAXCONN and starts accepting.
 */
gboolean
care_server_listener_listen (CareServerListener *self,
                             GSocketAddress     *address,
                             guint16            *out_port,
                             GError            **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  guint64 descriptors;
  int     pair[2];

  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), FALSE);
  g_return_val_if_fail (self->socket == NULL, FALSE);

  descriptors = raise_descriptor_limit ();
  /* Well below the limit: a connection refused for lack of a descriptor
   * is worse than one that waits in the backlog for a slot. */
  self->max_connections =
      (guint) MIN ((guint64) self->limits.max_connections,
                   MAX (descriptors > RESERVED_DESCRIPTORS * 2 ? descriptors / 2 : 16, 16));
  g_debug ("Up to %u connections (descriptor limit %" G_GUINT64_FORMAT ")", self->max_connections,
           descriptors);

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  if (g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;

  /* The listener libsoup needs to keep connections alive (see the top of
   * this file): a socket pair end nothing is ever written to. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return FALSE;
    }
  self->keepalive[0] = g_socket_new_from_fd (pair[0], error);
  self->keepalive[1] = self->keepalive[0] != NULL ? g_socket_new_from_fd (pair[1], error) : NULL;
  if (self->keepalive[1] == NULL)
    {
      if (self->keepalive[0] == NULL)
        close (pair[0]);
      close (pair[1]);
      g_clear_object (&self->keepalive[0]);
      return FALSE;
    }
  if (!soup_server_listen_socket (self->soup, self->keepalive[0], 0, error))
    return FALSE;

  if (out_port != NULL)
    *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  self->socket = g_steal_pointer (&socket);
  self->closed = FALSE;
  resume_accepting (self);

  return TRUE;
}

/* Stops accepting and closes every connection it holds. */
void
care_server_listener_close (CareServerListener *self)
{
  GHashTableIter iter;
  Conn          *conn;

  g_return_if_fail (CARE_IS_SERVER_LISTENER (self));

  self->closed = TRUE;
  pause_accepting (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  for (guint i = 0; i < G_N_ELEMENTS (self->keepalive); i++)
    if (self->keepalive[i] != NULL)
      {
        g_socket_close (self->keepalive[i], NULL);
        g_clear_object (&self->keepalive[i]);
      }

  /* The connections close on their own once shut down; they no longer
   * report to this listener. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      if (conn->stream != NULL)
        g_object_weak_unref (G_OBJECT (conn->stream), conn_stream_gone_cb, conn);
      conn->stream = NULL;
      conn->self = NULL;
      g_cancellable_cancel (conn->cancellable);
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
      g_hash_table_iter_remove (&iter);
    }
  g_hash_table_remove_all (self->per_client);
}

/**
 * care_server_listener_stop_accepting:
 *
 * The first step of a graceful shutdown: closes the listening socket (new
 * connections are refused, so a load balancer turns to another server at
 * once), closes the connections that wait for a request, and from now on
 * closes each connection as soon as its response is written. Requests
 * being read, handled or answered go on; care_server_listener_get_n_busy()
 * counts them.
 */
void
care_server_listener_stop_accepting (CareServerListener *self)
{
  g_autoptr (GPtrArray) idle = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
  GHashTableIter iter;
  Conn          *conn;

  g_return_if_fail (CARE_IS_SERVER_LISTENER (self));

  self->stopping = TRUE;
  pause_accepting (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (conn->state == CONN_IDLE)
      g_ptr_array_add (idle, conn_ref (conn));
  for (guint i = 0; i < idle->len; i++)
    conn_shut_down (g_ptr_array_index (idle, i), "the server is shutting down");
}

/* Connections with a request past its headers: being read, handled or answered. */
guint
care_server_listener_get_n_busy (CareServerListener *self)
{
  GHashTableIter iter;
  Conn          *conn;
  guint          n = 0;

  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), 0);

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (conn->state == CONN_BODY || conn->state == CONN_HANDLING || conn->state == CONN_WRITING ||
        conn->state == CONN_REFUSING)
      n++;

  return n;
}

/* Whether @msg came straight from one of the trusted proxies. */
gboolean
care_server_listener_is_from_trusted_proxy (CareServerListener *self, SoupServerMessage *msg)
{
  GSocketAddress  *remote;
  g_autofree char *peer = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), FALSE);

  remote = soup_server_message_get_remote_address (msg);
  if (self->trusted_proxies == NULL || remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return FALSE;

  peer =
      g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return is_trusted_proxy (self, peer);
}

guint
care_server_listener_get_n_connections (CareServerListener *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), 0);
  return g_hash_table_size (self->conns);
}

guint
care_server_listener_get_max_connections (CareServerListener *self)
{
  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), 0);
  return self->max_connections;
}

/**
 * care_server_listener_get_client_address:
 *
 * The IP address of the client that sent @msg: the peer's, or, when the
 * peer is a trusted proxy, the last address of its X-Forwarded-For (the
 * one the proxy itself saw; earlier ones are whatever the client claimed).
 *
 * Returns: (transfer full): the address as text
 */
char *
care_server_listener_get_client_address (CareServerListener *self, SoupServerMessage *msg)
{
  GSocketAddress  *remote;
  g_autofree char *peer = NULL;

  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), NULL);

  remote = soup_server_message_get_remote_address (msg);
  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("unknown");

  peer =
      g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  if (is_trusted_proxy (self, peer))
    {
      const char *forwarded = soup_message_headers_get_list (
          soup_server_message_get_request_headers (msg), "X-Forwarded-For");
      const char      *last = forwarded != NULL ? strrchr (forwarded, ',') : NULL;
      g_autofree char *candidate = NULL;
      g_autoptr (GInetAddress) parsed = NULL;

      if (forwarded != NULL)
        {
          candidate = g_strstrip (g_strdup (last != NULL ? last + 1 : forwarded));
          parsed = g_inet_address_new_from_string (candidate);
          if (parsed != NULL)
            return g_inet_address_to_string (parsed);
        }
    }

  return g_steal_pointer (&peer);
}

/**
 * care_server_listener_refuse:
 * @msg: a request whose headers are in and whose body is not (yet) read
 * @status: the HTTP status
 * @content_type: the answer's Content-Type
 * @body: the answer
 *
 * Answers @msg at once and closes its connection without reading the rest
 * of its body (beyond a bounded lingering read): libsoup itself would read
 * a body to its end whatever its size, even after an early handler set a
 * status. Call it from an early handler or a got-chunk handler.
 *
 * Returns: %FALSE if the connection is not one of this listener's, or is
 *   already being refused (the caller answers through libsoup instead)
 */
gboolean
care_server_listener_refuse (CareServerListener *self,
                             SoupServerMessage  *msg,
                             guint               status,
                             const char         *content_type,
                             const char         *body)
{
  Conn            *conn;
  GIOStream       *stream;
  g_autofree char *server_header = NULL;
  GString         *response;
  gsize            len;

  g_return_val_if_fail (CARE_IS_SERVER_LISTENER (self), FALSE);

  conn = lookup_conn (self, msg);
  if (conn == NULL || conn->state == CONN_REFUSING)
    return FALSE;

  g_object_get (self->soup, "server-header", &server_header, NULL);
  response = g_string_new (NULL);
  g_string_append_printf (response, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  if (server_header != NULL)
    g_string_append_printf (response, "Server: %s\r\n", server_header);
  g_string_append_printf (response,
                          "Content-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
                          content_type, strlen (body), body);

  conn_set_state (conn, CONN_REFUSING);
  conn->state = CONN_REFUSING;
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_string_free (response, TRUE);
      conn_shut_down (conn, "its request was refused");
      return TRUE;
    }

  conn->held = stream;
  len = response->len;
  conn->answer = g_string_free (response, FALSE);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), conn->answer, len,
                                   G_PRIORITY_DEFAULT, conn->cancellable, refusal_written_cb,
                                   conn_ref (conn));
  return TRUE;
}
