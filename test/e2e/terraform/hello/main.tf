# A module with no providers: terraform init fetches it from Packyard and needs nothing else.
# The e2e test replaces MODULE_VERSION before packing each version.
variable "name" {
  type = string
}

output "greeting" {
  value = "Hello, ${var.name}, from hello MODULE_VERSION"
}
