/** Periodic database chores that run on every instance while the application runs. */
@NullMarked
package com.intellidial.gateway.scheduling;

import org.jspecify.annotations.NullMarked;
