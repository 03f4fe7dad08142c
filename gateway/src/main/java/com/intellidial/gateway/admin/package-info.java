/** Admin API: tenants, keys, credentials, onboarding, usage. */
@NullMarked
package com.intellidial.gateway.admin;

import org.jspecify.annotations.NullMarked;
