/** Tenants, gateway keys, key resolution and its cache. */
@NullMarked
package com.intellidial.gateway.tenant;

import org.jspecify.annotations.NullMarked;
