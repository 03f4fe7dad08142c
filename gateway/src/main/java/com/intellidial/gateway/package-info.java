/** Intellidial Gateway application. */
@NullMarked
package com.intellidial.gateway;

import org.jspecify.annotations.NullMarked;
