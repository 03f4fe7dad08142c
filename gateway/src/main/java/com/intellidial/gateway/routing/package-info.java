/** Upstream routes, vendor adapters and timeouts. */
@NullMarked
package com.intellidial.gateway.routing;

import org.jspecify.annotations.NullMarked;
