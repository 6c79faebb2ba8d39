/* care-chart.h: a small bar or line chart of one or two series, drawn in the widget's colors. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  CARE_CHART_BARS,
  CARE_CHART_LINE,
} CareChartMode;

#define CARE_TYPE_CHART (care_chart_get_type ())
G_DECLARE_FINAL_TYPE (CareChart, care_chart, CARE, CHART, GtkWidget)

GtkWidget *care_chart_new (CareChartMode mode);
void       care_chart_set_data (CareChart         *self,
                                guint              n_points,
                                const char *const *labels,
                                guint              n_series,
                                const char *const *series_names,
                                const double      *values);
void       care_chart_set_range (CareChart *self, double min, double max);

G_END_DECLS
