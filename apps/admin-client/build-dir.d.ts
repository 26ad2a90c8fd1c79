/** Absolute path of the built admin client (`index.html` and its assets) once `vite build` ran. */
export declare const adminClientDir: string;
