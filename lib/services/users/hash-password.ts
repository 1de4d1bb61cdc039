import bcrypt from "bcryptjs";

// Cost 10: about 100 ms per check here, slow enough to make guessing expensive, fast enough for a login.
const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function checkPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

// Compared against when the user does not exist, so an unknown name costs as much time as a wrong password.
export const DUMMY_HASH = "$2b$10$E69U8y0ZmAtWke5fp0X1a.Jv4EK2vt1R4GalWgluqoGJE.fUJND/u";
