error: dialect bigquery cannot convert currencies exactly: BigQuery's NUMERIC keeps 9 decimals, and a converted amount needs its own scale plus 10
