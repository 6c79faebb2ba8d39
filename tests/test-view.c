/* test-view.c: the views' contract in a real window: "win.show-record"
 * opens a record in the view of its entity, and toasts reach the window. */
#include "config.h"

#include "care-store-private.h"
#include "care-view.h"
#include "care-window.h"

typedef struct
{
  CareStore   *store;
  GSettings   *settings;
  CareContext *context;
  CareWindow  *window;
  CareRecord  *customer;
  CareRecord  *service_case;
  CareRecord  *warranty;
  gboolean     dismissed[4]; /* toasts outlive a test: their flags live here */
} Fixture;

static CareRecord *
save (Fixture *fx, CareRecord *record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (care_store_save (fx->store, record, &error));
  g_assert_no_error (error);
  return record;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (CareRecord) product = NULL;

  fx->store = care_store_new (":memory:", NULL);
  fx->settings = g_settings_new ("io.github.aftercare.Aftercare");
  fx->context = care_context_new (fx->store, fx->settings);

  fx->customer = care_record_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  care_record_set_string (fx->customer, "kind", "person");
  care_record_set_string (fx->customer, "name", "Ana Silva");
  save (fx, fx->customer);

  product = care_record_new (care_schema_entity (CARE_ENTITY_PRODUCT));
  care_record_set_string (product, "customer_id", care_record_get_id (fx->customer));
  care_record_set_string (product, "serial", "PRN-0001");
  care_record_set_string (product, "name", "LaserJet Pro");
  save (fx, product);

  fx->warranty = care_record_new (care_schema_entity (CARE_ENTITY_WARRANTY));
  care_record_set_string (fx->warranty, "product_id", care_record_get_id (product));
  care_record_set_string (fx->warranty, "kind", "standard");
  care_record_set_string (fx->warranty, "start_date", "2026-01-01");
  care_record_set_string (fx->warranty, "end_date", "2027-12-31");
  save (fx, fx->warranty);

  fx->service_case = care_record_new (care_schema_entity (CARE_ENTITY_SERVICE_CASE));
  care_record_set_string (fx->service_case, "customer_id", care_record_get_id (fx->customer));
  care_record_set_string (fx->service_case, "kind", "repair");
  care_record_set_string (fx->service_case, "subject", "Door seal leaking");
  care_record_set_string (fx->service_case, "opened_at", "2026-11-01T09:00:00Z");
  care_record_set_string (fx->service_case, "priority", "normal");
  care_record_set_string (fx->service_case, "status", "open");
  save (fx, fx->service_case);

  g_settings_set_string (fx->settings, "last-view", "overview");
  fx->window = care_window_new (NULL, fx->context, NULL);
  gtk_window_present (GTK_WINDOW (fx->window));
  iterate ();
}

static void
teardown (Fixture *fx, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  iterate ();
  g_settings_reset (fx->settings, "last-view");
  g_clear_object (&fx->service_case);
  g_clear_object (&fx->warranty);
  g_clear_object (&fx->customer);
  g_clear_object (&fx->context);
  g_clear_object (&fx->settings);
  g_clear_object (&fx->store);
}

typedef gboolean (*Predicate) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget *root, Predicate predicate, gconstpointer data)
{
  if (predicate (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, predicate, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_view_of (GtkWidget *widget, gconstpointer entity)
{
  return CARE_IS_VIEW (widget) &&
         g_strcmp0 (care_view_get_entity (CARE_VIEW (widget)), entity) == 0;
}

static gboolean
is_group_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

/* Whether @view is the one the window's stack of views shows. */
static gboolean
is_shown (GtkWidget *view)
{
  GtkWidget *stack = gtk_widget_get_parent (view);

  return GTK_IS_STACK (stack) && gtk_stack_get_visible_child (GTK_STACK (stack)) == view;
}

/* The view of @entity, which must be the one the window shows. */
static GtkWidget *
shown_view (Fixture *fx, const char *entity)
{
  GtkWidget *view = find_widget (GTK_WIDGET (fx->window), is_view_of, entity);

  g_assert_nonnull (view);
  g_assert_true (is_shown (view));
  return view;
}

static void
show_record (Fixture *fx, const char *entity, CareRecord *record)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-record", "(ss)",
                                             entity, care_record_get_id (record)));
  iterate ();
}

static void
test_show_record_opens_its_view (Fixture *fx, gconstpointer data)
{
  GtkWidget *cases;

  show_record (fx, "service_case", fx->service_case);
  cases = shown_view (fx, "service_case");
  g_assert_nonnull (find_widget (cases, is_group_titled, "Door seal leaking"));

  show_record (fx, "warranty", fx->warranty);
  shown_view (fx, "warranty");
  g_assert_false (is_shown (cases));

  show_record (fx, "customer", fx->customer);
  shown_view (fx, "customer");
}

static void
test_show_record_unknown_entity (Fixture *fx, gconstpointer data)
{
  g_test_expect_message ("care-window", G_LOG_LEVEL_WARNING, "No view shows staff records");
  show_record (fx, "staff", fx->customer);
  g_test_assert_expected_messages ();
}

static void
dismissed_cb (AdwToast *toast, gboolean *dismissed)
{
  *dismissed = TRUE;
}

static AdwToast *
watched_toast (const char *title, gboolean *dismissed)
{
  AdwToast *toast = adw_toast_new (title);

  *dismissed = FALSE;
  adw_toast_set_timeout (toast, 0);
  g_signal_connect (toast, "dismissed", G_CALLBACK (dismissed_cb), dismissed);
  return toast;
}

/* A view's newer toast replaces its last plain one, never one with a
 * button (an undo must stay in reach). */
static void
test_toast_replaces_the_last (Fixture *fx, gconstpointer data)
{
  GtkWidget *cases;
  AdwToast  *undo;
  gboolean  *undo_gone = &fx->dismissed[0];
  gboolean  *first_gone = &fx->dismissed[1];
  gboolean  *second_gone = &fx->dismissed[2];

  show_record (fx, "service_case", fx->service_case);
  cases = shown_view (fx, "service_case");

  undo = watched_toast ("Deleted", undo_gone);
  adw_toast_set_button_label (undo, "_Undo");
  care_view_add_toast (cases, undo);
  care_view_add_toast (cases, watched_toast ("First", first_gone));
  care_view_add_toast (cases, watched_toast ("Second", second_gone));
  iterate ();

  g_assert_true (*first_gone);
  g_assert_false (*undo_gone);
  g_assert_false (*second_gone);
}

/* A dialog over the window shows its toasts in the window. */
static void
test_toast_from_dialog (Fixture *fx, gconstpointer data)
{
  GtkWidget *dialog = adw_window_new ();
  GtkWidget *label = gtk_label_new ("In a dialog");
  AdwToast  *toast;
  gboolean  *dismissed = &fx->dismissed[0];

  adw_window_set_content (ADW_WINDOW (dialog), label);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (fx->window));
  gtk_window_present (GTK_WINDOW (dialog));
  iterate ();

  toast = watched_toast ("Plan saved", dismissed);
  care_view_add_toast (label, toast);
  /* Only a toast an overlay holds can be dismissed. */
  adw_toast_dismiss (toast);
  g_assert_true (*dismissed);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_show_error (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) cancelled =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  g_autoptr (GError) failed = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");
  GtkWidget *cases;
  gboolean  *dismissed = &fx->dismissed[0];

  show_record (fx, "service_case", fx->service_case);
  cases = shown_view (fx, "service_case");

  /* A cancelled operation is what the user asked for: no toast, and the
   * view's last toast stays. */
  care_view_add_toast (cases, watched_toast ("Saved", dismissed));
  care_view_show_error (cases, "Could not save", cancelled);
  g_assert_false (*dismissed);

  care_view_show_error (cases, "Could not save", failed);
  g_assert_true (*dismissed);
}

/* A record that is gone loads as NULL quietly; a failing store is told. */
static void
test_load_record (Fixture *fx, gconstpointer data)
{
  const CareEntity *warranty = care_schema_entity (CARE_ENTITY_WARRANTY);
  g_autoptr (CareRecord) found = NULL;
  g_autoptr (CareRecord) gone = NULL;
  g_autoptr (CareRecord) broken = NULL;
  GtkWidget *cases;
  gboolean  *dismissed = &fx->dismissed[0];

  show_record (fx, "service_case", fx->service_case);
  cases = shown_view (fx, "service_case");
  care_view_add_toast (cases, watched_toast ("Saved", dismissed));

  found = care_view_load_record (cases, fx->store, warranty, care_record_get_id (fx->warranty));
  g_assert_nonnull (found);
  gone = care_view_load_record (cases, fx->store, warranty, "00000000-0000-4000-8000-000000000000");
  g_assert_null (gone);
  g_assert_null (care_view_load_record (cases, fx->store, warranty, NULL));
  g_assert_false (*dismissed);

  g_assert_true (care_store_exec (fx->store, "DROP TABLE warranty", NULL));
  broken = care_view_load_record (cases, fx->store, warranty, care_record_get_id (fx->warranty));
  g_assert_null (broken);
  /* The failure's toast replaced the view's last one. */
  g_assert_true (*dismissed);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/view/show-record", test_show_record_opens_its_view);
  ADD ("/view/show-record-unknown", test_show_record_unknown_entity);
  ADD ("/view/toast-replaces-last", test_toast_replaces_the_last);
  ADD ("/view/toast-from-dialog", test_toast_from_dialog);
  ADD ("/view/show-error-cancelled", test_show_error);
  ADD ("/view/load-record", test_load_record);
#undef ADD

  return g_test_run ();
}
