/* test-blobs.c: attachments' files on the real aftercare-server.
 *
 * A file is uploaded in chunks to PUT /api/v1/blobs/SHA256 and read back;
 * an upload survives the server being killed between chunks and resumes
 * where the last acknowledged chunk ended; the server keeps no half file,
 * stores a file uploaded twice once, and refuses a file whose bytes are
 * not its hash, an oversized one, a type it does not take, and malformed
 * requests, each with its own error. */
#define G_LOG_DOMAIN "test-blobs"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "care-clock.h"
#include "care-test-harness.h"

typedef struct
{
  TestServer *server;
  char       *token;
  char       *blobs_dir;
} Fixture;

typedef struct
{
  guint     status;
  GBytes   *body;
  JsonNode *json; /* NULL for a body that is not JSON */
} Answer;

static SoupSession *session;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_pointer (&answer->json, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
send (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *token,
      const char *content_type,
      const char *content_range,
      GBytes     *body,
      Answer     *answer)
{
  g_autofree char *url = g_strconcat (fixture->server->url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *type;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (content_range != NULL)
    soup_message_headers_replace (headers, "Content-Range", content_range);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  /* As a client sends a large body: the server may refuse it before it is sent. */
  if (body != NULL && g_bytes_get_size (body) > 8 * 1024 * 1024)
    soup_message_headers_set_expectations (headers, SOUP_EXPECTATION_CONTINUE);

  answer->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      json_parser_load_from_data (parser, g_bytes_get_data (answer->body, NULL),
                                  (gssize) g_bytes_get_size (answer->body), &error);
      g_assert_no_error (error);
      answer->json = json_node_ref (json_parser_get_root (parser));
    }
}

static char *
blob_path (const char *sha256)
{
  return g_strconcat ("/api/v1/blobs/", sha256, NULL);
}

/* Sends bytes [start, end) of @file as one chunk. */
static void
put_chunk (Fixture    *fixture,
           const char *sha256,
           GBytes     *file,
           gsize       start,
           gsize       end,
           const char *content_type,
           Answer     *answer)
{
  g_autofree char *path = blob_path (sha256);
  g_autofree char *range =
      g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT, start,
                       end - 1, g_bytes_get_size (file));
  g_autoptr (GBytes) chunk = g_bytes_new_from_bytes (file, start, end - start);

  send (fixture, "PUT", path, fixture->token, content_type, range, chunk, answer);
}

static gint64
offset_of (Answer *answer)
{
  g_assert_nonnull (answer->json);
  return json_object_get_int_member (json_node_get_object (answer->json), "offset");
}

static gboolean
complete_of (Answer *answer)
{
  g_assert_nonnull (answer->json);
  return json_object_get_boolean_member (json_node_get_object (answer->json), "complete");
}

static const char *
error_code (Answer *answer)
{
  g_assert_nonnull (answer->json);
  return json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (answer->json), "error"), "code");
}

/* How much the server holds of a file of @size bytes. */
static gint64
query_offset (Fixture *fixture, const char *sha256, gsize size)
{
  g_autofree char *path = blob_path (sha256);
  g_autofree char *range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, size);
  g_auto (Answer) answer = { 0 };

  send (fixture, "PUT", path, fixture->token, NULL, range, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
  return offset_of (&answer);
}

static GBytes *
random_file (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  return g_bytes_new_take (data, size);
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* The stored files (not the uploads under way) in the blobs folder. */
static guint
count_stored (Fixture *fixture)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->blobs_dir, 0, NULL);
  const char *name;
  guint       n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (fixture->blobs_dir, name, NULL);
      g_autoptr (GDir) d = NULL;

      if (strcmp (name, "partial") == 0 || (d = g_dir_open (sub, 0, NULL)) == NULL)
        continue;
      while (g_dir_read_name (d) != NULL)
        n++;
    }
  return n;
}

static char *
login (Fixture *fixture, const char *user)
{
  g_autofree char *body_text =
      g_strdup_printf ("{\"username\":\"%s\",\"password\":\"integration-secret\"}", user);
  g_autoptr (GBytes) body = g_bytes_new (body_text, strlen (body_text));
  g_auto (Answer) answer = { 0 };

  send (fixture, "POST", "/api/v1/session", NULL, "application/json", NULL, body, &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer.json), "token"));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = test_server_new ();
  test_server_add_user (fixture->server, "tech", "technician");
  test_server_add_user (fixture->server, "agent", "agent");
  test_server_start (fixture->server, 0);
  fixture->token = login (fixture, "tech");
  fixture->blobs_dir = g_strconcat (fixture->server->db, ".blobs", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  test_server_free (fixture->server);
  g_free (fixture->token);
  g_free (fixture->blobs_dir);
}

static void
test_chunked_upload (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) file = random_file (3 * 1000 * 1000 + 17);
  g_autofree char *sha = sha256_of (file);
  g_autofree char *path = blob_path (sha);
  gsize            size = g_bytes_get_size (file);
  g_auto (Answer) a1 = { 0 };
  g_auto (Answer) again = { 0 };
  g_auto (Answer) early = { 0 };
  g_auto (Answer) a2 = { 0 };
  g_auto (Answer) a3 = { 0 };
  g_auto (Answer) read = { 0 };

  g_assert_cmpint (query_offset (fixture, sha, size), ==, 0);

  put_chunk (fixture, sha, file, 0, 1000000, "image/jpeg", &a1);
  g_assert_cmpuint (a1.status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (offset_of (&a1), ==, 1000000);
  g_assert_false (complete_of (&a1));

  /* The same chunk again (its answer was lost): refused, with where to go on. */
  put_chunk (fixture, sha, file, 0, 1000000, "image/jpeg", &again);
  g_assert_cmpuint (again.status, ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (error_code (&again), ==, "offset_mismatch");
  g_assert_cmpint (offset_of (&again), ==, 1000000);

  /* Nothing is readable before the last byte is in. */
  send (fixture, "GET", path, fixture->token, NULL, NULL, NULL, &early);
  g_assert_cmpuint (early.status, ==, SOUP_STATUS_NOT_FOUND);

  put_chunk (fixture, sha, file, 1000000, 2000000, "image/jpeg", &a2);
  g_assert_cmpint (offset_of (&a2), ==, 2000000);
  put_chunk (fixture, sha, file, 2000000, size, "image/jpeg", &a3);
  g_assert_cmpuint (a3.status, ==, SOUP_STATUS_CREATED);
  g_assert_true (complete_of (&a3));

  send (fixture, "GET", path, fixture->token, NULL, NULL, NULL, &read);
  g_assert_cmpuint (read.status, ==, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (read.body, file));
  g_assert_cmpint (query_offset (fixture, sha, size), ==, (gint64) size);
  g_assert_cmpuint (count_stored (fixture), ==, 1);
}

/* The server dies between two chunks: the acknowledged bytes stay, nothing
 * is readable, and the upload goes on from there after a restart. */
static void
test_resume_after_kill (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) file = random_file (2 * 1024 * 1024);
  g_autofree char *sha = sha256_of (file);
  g_autofree char *path = blob_path (sha);
  gsize            size = g_bytes_get_size (file);
  g_auto (Answer) first = { 0 };
  g_auto (Answer) early = { 0 };
  g_auto (Answer) rest = { 0 };
  g_auto (Answer) read = { 0 };
  gint64 offset;

  put_chunk (fixture, sha, file, 0, 700000, "application/pdf", &first);
  g_assert_cmpint (offset_of (&first), ==, 700000);

  test_server_stop (fixture->server); /* SIGKILL */
  test_server_start (fixture->server, 0);
  g_free (fixture->token);
  fixture->token = login (fixture, "tech");

  send (fixture, "GET", path, fixture->token, NULL, NULL, NULL, &early);
  g_assert_cmpuint (early.status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (count_stored (fixture), ==, 0);

  offset = query_offset (fixture, sha, size);
  g_assert_cmpint (offset, ==, 700000);
  put_chunk (fixture, sha, file, (gsize) offset, size, "application/pdf", &rest);
  g_assert_cmpuint (rest.status, ==, SOUP_STATUS_CREATED);

  send (fixture, "GET", path, fixture->token, NULL, NULL, NULL, &read);
  g_assert_true (g_bytes_equal (read.body, file));
}

/* The same photo attached twice, or its upload retried after it ended:
 * stored once. */
static void
test_same_file_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) file = random_file (4096);
  g_autofree char *sha = sha256_of (file);
  g_auto (Answer) first = { 0 };
  g_auto (Answer) second = { 0 };

  put_chunk (fixture, sha, file, 0, 4096, "image/png", &first);
  g_assert_cmpuint (first.status, ==, SOUP_STATUS_CREATED);
  put_chunk (fixture, sha, file, 0, 4096, "image/png", &second);
  g_assert_cmpuint (second.status, ==, SOUP_STATUS_OK);
  g_assert_true (complete_of (&second));
  g_assert_cmpuint (count_stored (fixture), ==, 1);
}

static void
test_hash_mismatch (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) file = random_file (5000);
  g_autoptr (GBytes) other = random_file (5000);
  g_autofree char *sha = sha256_of (file);
  g_autofree char *path = blob_path (sha);
  g_auto (Answer) answer = { 0 };
  g_auto (Answer) read = { 0 };

  put_chunk (fixture, sha, other, 0, 5000, "image/jpeg", &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  g_assert_cmpstr (error_code (&answer), ==, "hash_mismatch");

  send (fixture, "GET", path, fixture->token, NULL, NULL, NULL, &read);
  g_assert_cmpuint (read.status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (count_stored (fixture), ==, 0);
  /* The bad bytes are gone: the upload starts over. */
  g_assert_cmpint (query_offset (fixture, sha, 5000), ==, 0);
}

typedef struct
{
  const char *what;
  const char *method;
  const char *sha; /* NULL: a valid one */
  gboolean    with_token;
  const char *content_type;
  const char *content_range;
  gsize       body_size;
  guint       status;
  const char *code; /* NULL: libsoup refuses it before the server sees it */
} Refusal;

static void
test_refusals (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "x", -1);
  g_autofree char *over = g_strdup_printf ("bytes 0-9/%d", 50 * 1024 * 1024 + 1);
  const Refusal    refusals[] = {
       { "no token", "PUT", NULL, FALSE, "image/jpeg", "bytes 0-9/10", 10, 401, "unauthenticated" },
       { "a type not taken", "PUT", NULL, TRUE, "application/x-msdownload", "bytes 0-9/10", 10, 415,
         "unsupported_type" },
       { "no type", "PUT", NULL, TRUE, NULL, "bytes 0-9/10", 10, 415, "unsupported_type" },
       { "over 50 MiB", "PUT", NULL, TRUE, "image/jpeg", over, 10, 413, "too_large" },
       { "no Content-Range", "PUT", NULL, TRUE, "image/jpeg", NULL, 10, 400, "malformed" },
       { "a backwards range", "PUT", NULL, TRUE, "image/jpeg", "bytes 9-0/10", 10, 400, "malformed" },
       { "a range past the end", "PUT", NULL, TRUE, "image/jpeg", "bytes 0-10/10", 11, 400,
         "malformed" },
       { "garbage after the size", "PUT", NULL, TRUE, "image/jpeg", "bytes 0-9/10x", 10, 400,
         "malformed" },
       { "a body of another length", "PUT", NULL, TRUE, "image/jpeg", "bytes 0-9/10", 5, 400,
         "malformed" },
       { "an upper-case hash", "GET",
         "2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881", TRUE, NULL, NULL, 0, 400,
         "malformed" },
       { "a short hash", "GET", "abc", TRUE, NULL, NULL, 0, 400, "malformed" },
       { "a path beyond the hash", "GET", "..%2F..%2Fetc%2Fpasswd", TRUE, NULL, NULL, 0, 400, NULL },
       { "an unknown file", "GET", NULL, TRUE, NULL, NULL, 0, 404, "not_found" },
       { "DELETE", "DELETE", NULL, TRUE, NULL, NULL, 0, 405, "method_not_allowed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      const Refusal   *r = &refusals[i];
      g_autofree char *path = blob_path (r->sha != NULL ? r->sha : sha);
      g_autoptr (GBytes) body = r->body_size > 0 ? random_file (r->body_size) : NULL;
      g_auto (Answer) answer = { 0 };

      g_test_message ("%s", r->what);
      send (fixture, r->method, path, r->with_token ? fixture->token : NULL, r->content_type,
            r->content_range, body, &answer);
      g_assert_cmpuint (answer.status, ==, r->status);
      if (r->code != NULL)
        g_assert_cmpstr (error_code (&answer), ==, r->code);
    }
  g_assert_cmpuint (count_stored (fixture), ==, 0);
}

/* A chunk over the 8 MiB a request may carry is cut off, not stored. */
static void
test_chunk_too_large (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) file = random_file (9 * 1024 * 1024);
  g_autofree char *sha = sha256_of (file);
  g_auto (Answer) answer = { 0 };

  put_chunk (fixture, sha, file, 0, g_bytes_get_size (file), "video/mp4", &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpint (query_offset (fixture, sha, g_bytes_get_size (file)), ==, 0);
}

/* Uploads @file whole and dates its stored copy @age seconds back. */
static void
upload_aged (Fixture *fixture, GBytes *file, gint64 age)
{
  g_autofree char *sha = sha256_of (file);
  char             prefix[3] = { sha[0], sha[1], '\0' };
  g_autofree char *path = g_build_filename (fixture->blobs_dir, prefix, sha, NULL);
  struct utimbuf   times;
  g_auto (Answer) answer = { 0 };

  put_chunk (fixture, sha, file, 0, g_bytes_get_size (file), "image/jpeg", &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_CREATED);
  times.actime = times.modtime = (time_t) (care_clock_now_unix () - age);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gboolean
is_stored (Fixture *fixture, GBytes *file)
{
  g_autofree char *sha = sha256_of (file);

  return query_offset (fixture, sha, g_bytes_get_size (file)) == (gint64) g_bytes_get_size (file);
}

/* gc-blobs removes a file no attachment names once it is an hour old,
 * keeps a named one and a fresh one (its record may not be pushed yet),
 * and drops an upload abandoned for a week. */
static void
test_gc (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) named = random_file (1000);
  g_autoptr (GBytes) orphan = random_file (2000);
  g_autoptr (GBytes) fresh = random_file (3000);
  g_autoptr (GBytes) deleted = random_file (4000);
  g_autoptr (GBytes) abandoned = random_file (5000);
  g_autofree char *named_sha = sha256_of (named);
  g_autofree char *deleted_sha = sha256_of (deleted);
  g_autofree char *abandoned_sha = sha256_of (abandoned);
  g_autofree char *partial = NULL;
  g_autoptr (CareRecord) customer = NULL;
  g_autoptr (CareRecord) kept = NULL;
  g_autoptr (CareRecord) gone = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) gc = NULL;
  g_autofree char *out = NULL;
  TestClient      *agent;
  struct utimbuf   times;
  g_auto (Answer) first = { 0 };

  upload_aged (fixture, named, 2 * 3600);
  upload_aged (fixture, orphan, 2 * 3600);
  upload_aged (fixture, fresh, 60);
  upload_aged (fixture, deleted, 2 * 3600);
  put_chunk (fixture, abandoned_sha, abandoned, 0, 100, "image/jpeg", &first);
  g_assert_cmpint (offset_of (&first), ==, 100);
  partial = g_strdup_printf ("%s/partial/%s-5000.part", fixture->blobs_dir, abandoned_sha);
  times.actime = times.modtime = (time_t) (care_clock_now_unix () - 8 * 24 * 3600);
  g_assert_cmpint (g_utime (partial, &times), ==, 0);

  /* One attachment stays, one is deleted: its file goes too. */
  agent = test_client_new (fixture->server, NULL, "agent");
  customer = test_client_add_customer (agent, "Atelier Gc");
  for (guint i = 0; i < 2; i++)
    {
      CareRecord **a = i == 0 ? &kept : &gone;

      *a = care_record_new (care_schema_entity (CARE_ENTITY_ATTACHMENT));
      care_record_set_string (*a, "customer_id", care_record_get_id (customer));
      care_record_set_string (*a, "file_name", "photo.jpg");
      care_record_set_string (*a, "content_type", "image/jpeg");
      care_record_set_int (*a, "size", i == 0 ? 1000 : 4000);
      care_record_set_string (*a, "sha256", i == 0 ? named_sha : deleted_sha);
      care_record_set_string (*a, "attached_at", "2026-12-01T10:00:00Z");
      g_assert_true (care_store_save (agent->store, *a, &error));
      g_assert_no_error (error);
    }
  test_client_sync_ok (agent);
  g_assert_true (care_store_delete (agent->store, care_record_get_entity (gone),
                                    care_record_get_id (gone), &error));
  g_assert_no_error (error);
  test_client_sync_ok (agent);
  test_client_free (agent);

  gc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, test_server_binary (), "--db",
                         fixture->server->db, "gc-blobs", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (gc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (gc));
  g_assert_nonnull (strstr (out, "Removed 3 files"));

  g_assert_true (is_stored (fixture, named));
  g_assert_true (is_stored (fixture, fresh));
  g_assert_false (is_stored (fixture, orphan));
  g_assert_false (is_stored (fixture, deleted));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!test_server_available ())
    {
      g_test_skip ("aftercare-server is not built");
      return g_test_run ();
    }
  session = soup_session_new ();

#define ADD(path, func)                                                                            \
  g_test_add ("/blobs/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("chunked", test_chunked_upload);
  ADD ("resume-after-kill", test_resume_after_kill);
  ADD ("same-file-once", test_same_file_once);
  ADD ("hash-mismatch", test_hash_mismatch);
  ADD ("refusals", test_refusals);
  ADD ("chunk-too-large", test_chunk_too_large);
  ADD ("gc", test_gc);
#undef ADD

  return g_test_run ();
}
