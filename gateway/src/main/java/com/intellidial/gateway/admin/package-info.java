/**
 * Admin API ({@code /admin/v1}): admin tokens, tenants, keys, credentials, onboarding, resource
 * assignment, usage, the audit log and the OpenAPI document; every route is guarded and audited
 * by {@code AdminAccessWebFilter} alone.
 */
@NullMarked
package com.intellidial.gateway.admin;

import org.jspecify.annotations.NullMarked;
