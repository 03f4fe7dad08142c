/** The simulator's small HTTP toolkit: routing, parameters, JSON and replies shared by the vendor APIs. */
@NullMarked
package com.intellidial.simulator.http;

import org.jspecify.annotations.NullMarked;
