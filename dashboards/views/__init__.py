"""Dashboard pages: the branch dashboard, region and village pages, the villages list and exports."""
