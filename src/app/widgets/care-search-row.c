/* care-search-row.c: a row of a record list that shows why it matched a search.
 *
 * The customers list and every record picker show their rows with it, so
 * a customer search looks and reads the same everywhere: the title with
 * the words typed in bold and, under it, why the customer matched
 * ("Contact: Zoé Lefèvre", "Serial number: VIN-…"), or the usual line when
 * the bold words of the name say it; the accessible name says both. Without a search the row is a title and a subtitle. */
#define G_LOG_DOMAIN "care-search-row"

#include "config.h"

#include <glib/gi18n.h>

#include "care-search-row.h"
#include "care-view.h"
#include "care-search.h"

struct _CareSearchRow
{
  GtkWidget parent_instance;

  /* Owned widgets */
  GtkWidget *title;
  GtkWidget *subtitle;
};

G_DEFINE_FINAL_TYPE (CareSearchRow, care_search_row, GTK_TYPE_WIDGET)

static GtkWidget *
new_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

static void
care_search_row_dispose (GObject *object)
{
  CareSearchRow *self = CARE_SEARCH_ROW (object);

  g_clear_pointer (&self->title, gtk_widget_unparent);
  g_clear_pointer (&self->subtitle, gtk_widget_unparent);

  G_OBJECT_CLASS (care_search_row_parent_class)->dispose (object);
}

static void
care_search_row_class_init (CareSearchRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = care_search_row_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
care_search_row_init (CareSearchRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);

  self->title = new_label ();
  self->subtitle = new_label ();
  /* A reason with two contacts needs more than a narrow list's width. */
  gtk_label_set_wrap (GTK_LABEL (self->subtitle), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->subtitle), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (self->subtitle), 2);
  gtk_widget_add_css_class (self->subtitle, "caption");
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  gtk_widget_set_parent (self->title, GTK_WIDGET (self));
  gtk_widget_set_parent (self->subtitle, GTK_WIDGET (self));
}

GtkWidget *
care_search_row_new (void)
{
  return g_object_new (CARE_TYPE_SEARCH_ROW, NULL);
}

/* A search the customer search ranks, on a customer. */
static gboolean
is_customer_search (CareRecord *record, const char *search)
{
  g_autoptr (CareQuery) q = NULL;

  if (search == NULL ||
      care_record_get_entity (record) != care_schema_entity (CARE_ENTITY_CUSTOMER))
    return FALSE;
  q = care_query_new (care_schema_entity (CARE_ENTITY_CUSTOMER));
  care_query_set_search (q, search);
  return care_search_applies (q);
}

/**
 * care_search_row_set:
 * @title: what the row is called
 * @subtitle: (nullable): the line under it without a search
 * @search: (nullable): what was typed, if the list is a search
 *
 * Shows @record. A customer found by @search shows its title with the
 * words typed in bold and, instead of @subtitle, why it matched.
 */
void
care_search_row_set (CareSearchRow *self,
                     CareStore     *store,
                     CareRecord    *record,
                     const char    *title,
                     const char    *subtitle,
                     const char    *search)
{
  g_autofree char *reason_markup = NULL;
  g_autofree char *reason_text = NULL;
  gboolean         name_only = FALSE;

  g_return_if_fail (CARE_IS_SEARCH_ROW (self));

  if (title == NULL)
    title = "";
  if (is_customer_search (record, search) &&
      care_search_explain (store, record, search, &reason_markup, &reason_text, &name_only))
    {
      g_autofree char *title_markup = care_search_highlight (title, search);
      /* TRANSLATORS: the accessible name of a search result: the customer, then why it matched */
      g_autofree char *label = g_strdup_printf (_ ("%s, %s"), title, reason_text);

      gtk_label_set_markup (GTK_LABEL (self->title), title_markup);
      /* Found by the name: the name in bold says why, and the usual line
       * tells apart customers of the same name. */
      if (name_only && subtitle != NULL && subtitle[0] != '\0')
        gtk_label_set_text (GTK_LABEL (self->subtitle), subtitle);
      else
        gtk_label_set_markup (GTK_LABEL (self->subtitle), reason_markup);
      gtk_widget_set_visible (self->subtitle, TRUE);
      care_view_name_row (GTK_WIDGET (self), label);
      return;
    }

  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_label_set_text (GTK_LABEL (self->subtitle), subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (self->subtitle, subtitle != NULL && subtitle[0] != '\0');
  care_view_name_row (GTK_WIDGET (self), title);
}
