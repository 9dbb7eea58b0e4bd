resource "google_cloud_run_v2_service_iam_member" "authenticated_user" {
  project  = google_cloud_run_v2_service.this.project
  location = google_cloud_run_v2_service.this.location
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = var.allowed_member
}