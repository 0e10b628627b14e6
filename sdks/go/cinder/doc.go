// Manage OpenStack Cinder volume attachments (Attachments API, microversion 3.27+) as code with Pulumi
package cinder
